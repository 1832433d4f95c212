package io.tenure.errors;

/**
 * Every user-facing error, in one place. Each message states the problem, where it is (table,
 * column, file, config key) and how to fix it.
 */
public final class Errors {
  private Errors() {}

  public static TenureException config(String file, String key, String problem) {
    return new TenureException(
        ExitCode.USAGE,
        String.format(
            "Configuration error in %s at key '%s': %s",
            file == null ? "(defaults)" : file, key, problem),
        null);
  }

  /** A key whose value is valid on its own but does not fit the input. */
  public static TenureException configKey(String key, String problem) {
    return new TenureException(
        ExitCode.USAGE, String.format("Configuration error at key '%s': %s", key, problem), null);
  }

  public static TenureException config(String message, Throwable cause) {
    return new TenureException(ExitCode.USAGE, "Configuration error: " + message, cause);
  }

  public static TenureException badExpression(
      String key, String expression, String columns, Throwable cause) {
    return new TenureException(
        ExitCode.USAGE,
        String.format(
            "Configuration error at key '%s': the expression \"%s\" cannot be evaluated on the"
                + " input (%s). Columns found: %s. Fix the expression (Spark SQL syntax).",
            key, expression, rootMessage(cause), columns),
        cause);
  }

  /** Another run holds the output path's lock. */
  public static TenureException outputLocked(String root, String holder, String waited) {
    return new TenureException(
        ExitCode.FAILURE,
        String.format(
            "Another Tenure run is writing to %s (%s)%s. Runs of one output path are exclusive, so"
                + " this run did not start. Let that run finish and run again, or let this run wait"
                + " for it with -D output.lock-wait=30m. A lock left by a killed run is broken"
                + " automatically (at once on the same machine, else after"
                + " tenure.output.lock-lease); docs/operations.md, \"Concurrent runs\".",
            root, holder, waited),
        null);
  }

  public static TenureException asOfInTheFuture(
      java.time.LocalDate asOf, java.time.LocalDate today, java.time.ZoneId zone) {
    return new TenureException(
        ExitCode.USAGE,
        String.format(
            "The as-of date %s is after today (%s in %s): a run describes days that have"
                + " happened. Pass --as-of %s or earlier.",
            asOf, today, zone, today),
        null);
  }

  public static TenureException asOfAfterData(
      java.time.LocalDate asOf, java.time.LocalDate lastEvent, long days, int allowed) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "The as-of date %s is %d days after the newest event in the inputs (%s); more than"
                + " %d days would count customers as churned only because their latest data is"
                + " missing. Check that the newest data has been loaded, or allow the gap with -D"
                + " quality.max-days-after-data=<days> (null = no limit).",
            asOf, days, lastEvent, allowed),
        null);
  }

  public static TenureException usage(String message) {
    return new TenureException(ExitCode.USAGE, message, null);
  }

  public static TenureException missingColumn(
      String table, String column, String source, String key, String found, boolean csv) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s' has no column '%s' (expected by canonical column '%s'). Columns found:"
                + " %s. Fix: map it with %s = \"<your column>\" in the config, or add the column.%s",
            table,
            source,
            column,
            found,
            key,
            csv ? csvHint(found, key.replaceFirst("\\.(columns|expressions)\\..*$", "")) : ""),
        null);
  }

  /**
   * A header read as one column that holds ';', tab or '|' is a file with another delimiter;
   * otherwise the first line may not be a header at all.
   */
  private static String csvHint(String found, String input) {
    for (String d : new String[] {";", "\t", "|"}) {
      if (!found.contains(",") && found.contains(d)) {
        return String.format(
            " The header looks %s-separated: set %s.options.delimiter = \"%s\".",
            d.equals("\t") ? "tab" : "'" + d + "'", input, d.equals("\t") ? "\\t" : d);
      }
    }
    return " A CSV file's first line must be its header; without one, set "
        + input
        + ".options.header = false and map the columns _c0, _c1, ...";
  }

  public static TenureException wrongType(
      String table, String column, String source, String key, String expected, String found) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s', column '%s' (canonical '%s', mapped by %s): expected %s, found %s."
                + " Fix: cast the column in the source, or map %s to a column of the right type.",
            table, source, column, key, expected, found, key),
        null);
  }

  public static TenureException unreadableInput(
      String table, String path, String key, Throwable e) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Cannot read input table '%s' at %s (set by %s.path): %s. Fix: check the path and"
                + " format, or remove the table from the config if it is optional.",
            table, path, key, rootMessage(e).replaceAll("[.\\s]+$", "")),
        e);
  }

  public static TenureException danglingLink(String table, String key, String link) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s' (%s.path): %s is a symbolic link whose target does not exist, so"
                + " its rows cannot be read. Fix the link or remove it; Tenure does not skip input"
                + " files silently.",
            table, key, link),
        null);
  }

  public static TenureException mixedCurrencies(String table, String key, String currencies) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s' mixes currencies (%s, column mapped by %s) and no reporting currency"
                + " is set: Tenure will not add amounts in different currencies. Fix: set"
                + " tenure.money.currency to the reporting currency and tenure.money.rates {"
                + " <code> = <factor> } for the others; rows in a currency without a rate are"
                + " quarantined as unknown_currency.",
            table, currencies, key),
        null);
  }

  public static TenureException corruptFile(String table, String file, String key, Throwable e) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s' (%s.path): the file %s is not readable Parquet (%s). It is corrupt"
                + " or truncated, e.g. by an interrupted copy. Fix: re-export or re-copy that"
                + " file, or move it out of the input directory, then re-run.",
            table, key, file, rootMessage(e)),
        e);
  }

  /** A file of a partitioned input outside a {@code <column>=yyyy-MM-dd} directory. */
  public static TenureException partitionLayout(
      String table, String key, String column, String file, String problem) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s' is configured as partitioned by '%s' (%s), but %s %s. Fix: lay the"
                + " input out as <path>/%s=yyyy-MM-dd/<files> (docs/inputs.md), or set %s = null.",
            table, column, key, file, problem, column, key),
        null);
  }

  /** An incremental run needs an as-of date: it decides which state version to start from. */
  public static TenureException incrementalNeedsAsOf() {
    return usage(
        "--incremental needs an as-of date (--as-of yyyy-MM-dd, or tenure.as-of): it decides which"
            + " earlier run's state the run starts from.");
  }

  public static TenureException schemaDrift(String table, String column, String where) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s': the schema changed between its files: column '%s' differs (%s)."
                + " Fix: rewrite the older files with the current schema (or the other way"
                + " round), or point the input at files with one schema.",
            table, column, where),
        null);
  }

  public static TenureException emptyInput(String table, String path) {
    return emptyInput(table, path, java.util.Map.of());
  }

  /**
   * @param removed rows quarantined or excluded per reason, named when they are why nothing is left
   */
  public static TenureException emptyInput(
      String table, String path, java.util.Map<String, Long> removed) {
    StringBuilder why = new StringBuilder();
    removed.forEach(
        (reason, n) ->
            why.append(why.length() == 0 ? "" : ", ").append(reason).append(' ').append(n));
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            "Input table '%s' at %s has no usable rows: Tenure needs at least one %s.%s"
                + " Fix: check the path, and the as-of date if you gave one.",
            table,
            path,
            table.equals("transactions") ? "purchase" : "row",
            why.length() == 0
                ? ""
                : " No row could be used ("
                    + why
                    + "; docs/data-quality.md explains each reason), so check those rules"
                    + " (e.g. tenure.quality.allowed-values, the input's filter) or the column"
                    + " mapping too."),
        null);
  }

  public static TenureException tooManyBadRows(
      String table, long bad, long read, double limit, String reasons) {
    return new TenureException(
        ExitCode.INVALID_INPUT,
        String.format(
            java.util.Locale.ROOT,
            "Input table '%s': %.2f %% of its rows up to the as-of date (%,d of %,d) cannot be used, above the limit"
                + " of %.2f %% (tenure.quality.max-quarantined-fraction). Reasons: %s. Fix the"
                + " source or the column mapping (`tenure validate` shows the counts), or raise"
                + " the limit.",
            table,
            100.0 * bad / read,
            bad,
            read,
            100.0 * limit,
            reasons),
        null);
  }

  public static TenureException invariant(String message) {
    return new TenureException(
        ExitCode.FAILURE,
        "Internal consistency check failed, nothing was published: "
            + message
            + ". This is a bug; please report it with the run manifest.",
        null);
  }

  /** A failure without a known cause in the input or configuration: a bug or the cluster. */
  public static TenureException runFailed(Throwable cause) {
    return new TenureException(
        ExitCode.FAILURE,
        "the run failed: "
            + rootMessage(cause).replaceFirst("\\.+$", "")
            + ". Nothing was published; existing outputs are unchanged. Re-run the date; if it"
            + " fails again, the stack trace below and the Spark driver log say where.",
        cause);
  }

  public static TenureException failure(String message, Throwable cause) {
    return new TenureException(ExitCode.FAILURE, message, cause);
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return m == null ? t.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
  }
}
