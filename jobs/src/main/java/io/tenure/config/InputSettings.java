package io.tenure.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Where one input table lives and how its columns are named.
 *
 * @param table which input this is
 * @param path a file or directory Spark can read (local, hdfs://, s3a://, ...)
 * @param format parquet, csv or orc
 * @param options extra Spark reader options, passed as they are
 * @param columns canonical column name to the column name in the source; a canonical column that is
 *     not listed is looked up under its own name
 * @param expressions canonical column name to a Spark SQL expression over source columns
 * @param filter a Spark SQL condition over source columns: rows for which it is not true are left
 *     out of the run (counted in the manifest, not quarantined); empty = every row
 * @param partitionColumn the source column of a {@code <path>/<column>=yyyy-MM-dd/} layout, which
 *     incremental runs read partition by partition; empty = not partitioned
 */
public record InputSettings(
    TableKind table,
    String path,
    String format,
    Map<String, String> options,
    Map<String, String> columns,
    Map<String, String> expressions,
    Optional<String> filter,
    Optional<String> partitionColumn) {

  public static final Set<String> FORMATS = Set.of("parquet", "csv", "orc");

  public InputSettings {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(path, "path");
    if (!FORMATS.contains(format)) {
      throw new IllegalArgumentException(
          "format '" + format + "' is not supported; use parquet, csv or orc");
    }
    options = Map.copyOf(options);
    columns = Map.copyOf(columns);
    expressions = Map.copyOf(expressions);
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(partitionColumn, "partitionColumn");
  }

  /** The config key of the row filter, for messages. */
  public String filterKey() {
    return table.configPath() + ".filter";
  }

  /** The name of the column an expression is evaluated into before mapping. */
  public static String derivedColumn(String canonical) {
    return "__tenure_" + canonical;
  }

  /** The source column for a canonical column name. */
  public String sourceColumn(String canonical) {
    if (expressions.containsKey(canonical)) {
      return derivedColumn(canonical);
    }
    return columns.getOrDefault(canonical, canonical);
  }

  /** Whether the user mapped this canonical column explicitly. */
  public boolean isMapped(String canonical) {
    return columns.containsKey(canonical) || expressions.containsKey(canonical);
  }

  /** The config key that maps a canonical column, for messages. */
  public String columnKey(String canonical) {
    return table.configPath()
        + (expressions.containsKey(canonical) ? ".expressions." : ".columns.")
        + canonical;
  }
}
