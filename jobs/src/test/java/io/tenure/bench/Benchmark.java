package io.tenure.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hash;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.tenure.cli.SparkSessions;
import io.tenure.config.ConfigLoader;
import io.tenure.config.TenureSettings;
import io.tenure.generate.SampleGenerator;
import io.tenure.pipeline.MetricFamily;
import io.tenure.pipeline.TenureJob;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark harness (bench/run): generates data at named scales with the project's generator
 * (cached under bench/data), then times, in one JVM and one run, Tenure's full run against the scan
 * floor, a naive Spark SQL formulation and DuckDB, after checking that every contender's results
 * equal Tenure's. Prints a Markdown report (docs/benchmarks.md explains it).
 *
 * <p>Usage: {@code Benchmark [--scales XS,S,M] [--reps 3] [--data bench/data]}; {@code --reps 0}
 * checks the results without timing.
 */
public final class Benchmark {
  static final Map<String, Long> SCALES =
      Map.of("XS", 2_000L, "S", 100_000L, "M", 1_000_000L, "M2", 2_000_000L);
  static final String AS_OF = "2024-12-31";

  private static final String FIRST_MONTH = "2023-01-01";

  private Benchmark() {}

  /** One timed contender: a name and a run that returns the rows to compare (or none). */
  record Contender(String name, Supplier<Map<String, List<String>>> run) {}

  /** Median, min and max seconds, peak heap (MB), and whether its results matched. */
  record Timing(
      String name,
      double median,
      double min,
      double max,
      long peakHeapMb,
      long peakRssMb,
      String check) {}

  private static final Set<MetricFamily> ALL = Set.of();
  private static final Set<MetricFamily> CORE =
      Set.of(
          MetricFamily.COHORT_RETENTION, MetricFamily.CHURN_RATES, MetricFamily.TIME_WITH_CUSTOMER);

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = options(args);
    List<String> scales = Arrays.asList(opts.getOrDefault("scales", "S").split(","));
    // generated: Tenure's own generator; uniform: the independent shape of UniformShape.
    List<String> shapes =
        Arrays.asList(opts.getOrDefault("shapes", "generated,uniform").split(","));
    int reps = Integer.parseInt(opts.getOrDefault("reps", "3"));
    Path data = Path.of(opts.getOrDefault("data", "bench/data")).toAbsolutePath();
    SparkSession spark = session();
    StringBuilder report = new StringBuilder();
    report.append(machine()).append('\n');
    try {
      for (String scale : scales) {
        for (String shape : shapes) {
          report.append(run(spark, scale, shape, reps, data)).append('\n');
        }
      }
    } finally {
      spark.stop();
    }
    System.out.println(report);
    if (opts.containsKey("report")) {
      Files.writeString(Path.of(opts.get("report")), report);
    }
  }

  /** A local session with the settings bin/tenure gives its own; every contender shares it. */
  static SparkSession session() {
    SparkSession.Builder builder =
        SparkSession.builder().appName("tenure-bench").config("spark.ui.enabled", "false");
    SparkSessions.settings(new SparkConf(false), Map.of()).forEach(builder::config);
    return builder.getOrCreate();
  }

  /** Generates (once) and benchmarks one scale; returns its report section. */
  static String run(SparkSession spark, String scale, String shape, int reps, Path data)
      throws Exception {
    return run(spark, scale, shape, reps, data, false);
  }

  /**
   * As above; with {@code timeChecks} the correctness runs count as the first repetition instead of
   * warming up untimed (the smoke test's cheaper way through the same report).
   */
  static String run(
      SparkSession spark, String scale, String shape, int reps, Path data, boolean timeChecks)
      throws Exception {
    long customers = SCALES.get(scale.toUpperCase(Locale.ROOT));
    boolean uniform = shape.equals("uniform");
    Path dir = data.resolve(uniform ? scale + "-uniform" : scale);
    if (!Files.exists(dir.resolve("_READY"))) {
      if (uniform) {
        new UniformShape(customers, 42, LocalDate.parse(FIRST_MONTH), 730)
            .write(spark, dir.toString());
      } else {
        new SampleGenerator(customers, 42, LocalDate.parse(FIRST_MONTH), 730)
            .write(spark, dir.toString());
      }
      Files.writeString(dir.resolve("_READY"), "");
    }
    String label = scale + " (" + shape + " shape)";
    Path out = data.resolve("out-" + scale);
    // The uniform shape's cancellations fall at random times, many before the customer's first
    // purchase (quarantined as cancellation_without_transactions): the limit is not what is
    // measured.
    TenureSettings settings = settings(dir, out, uniform ? 0.2 : 0.01);
    // Exact percentiles by default; with percentile_approx the rank error is at most
    // 2 n / accuracy (docs/metrics.md).
    double epsilon =
        settings.timeWithCustomer().percentileAccuracy().stream()
            .mapToDouble(a -> 2.0 / a)
            .findFirst()
            .orElse(0.0);
    for (String table : List.of("transactions", "cancellations", "interactions", "customers")) {
      spark.read().parquet(dir.resolve(table).toString()).createOrReplaceTempView("raw_" + table);
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (String table : List.of("transactions", "cancellations", "interactions")) {
      rows.put(table, spark.table("raw_" + table).count());
    }

    Queries.Dialect sparkSql = new Queries.SparkSql();
    Queries.Dialect duck = new Queries.DuckDb(dir.toString());
    List<Contender> contenders =
        List.of(
            new Contender("tenure (all tables)", () -> tenure(spark, settings, out, ALL)),
            new Contender("tenure (3 core families)", () -> tenure(spark, settings, out, CORE)),
            new Contender("scan floor", () -> floor(spark)),
            new Contender("naive Spark SQL (3 core tables)", () -> sql(spark, sparkSql, epsilon)),
            new Contender("DuckDB (3 core tables)", () -> duckdb(duck, epsilon)));

    // Correctness first: the reference is Tenure's own output. These runs warm the JVM up and
    // are not timed, unless the caller counts them as the first repetition (the smoke test).
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, Long> heap = new LinkedHashMap<>();
    Map<String, Long> rss = new LinkedHashMap<>();
    Map<String, Map<String, List<String>>> results = new LinkedHashMap<>();
    Contender scanFloor = contenders.get(2);
    for (Contender c : contenders) {
      // The scan floor has no result to check (≈ 25 s at M): it runs here only to be timed.
      if (c != scanFloor || timeChecks) {
        results.put(c.name(), timed(c, timeChecks, times, heap, rss));
      }
    }
    Map<String, List<String>> reference = results.get(contenders.get(0).name());
    Map<String, String> checks = new LinkedHashMap<>();
    checks.put(contenders.get(0).name(), "reference");
    checks.put(
        contenders.get(1).name(),
        results.get(contenders.get(1).name()).equals(reference) ? "equal" : "DIFFERENT");
    checks.put(contenders.get(2).name(), "n/a (reads only)");
    for (Contender c : contenders.subList(3, 5)) {
      Map<String, List<String>> got = results.get(c.name());
      checks.put(c.name(), agrees(reference, got) ? "equal" : "DIFFERENT: " + diff(reference, got));
    }

    if (reps == 0) {
      StringBuilder checked = new StringBuilder("### Scale " + label + ": results only\n\n");
      checks.forEach(
          (name, verdict) ->
              checked.append("- ").append(name).append(": ").append(verdict).append('\n'));
      return checked.toString();
    }
    for (int r = timeChecks ? 1 : 0; r < reps; r++) {
      for (Contender c : contenders) {
        timed(c, true, times, heap, rss);
      }
    }
    List<Timing> timings = new ArrayList<>();
    for (Contender c : contenders) {
      List<Double> t = new ArrayList<>(times.get(c.name()));
      t.sort(Double::compare);
      timings.add(
          new Timing(
              c.name(),
              t.get(t.size() / 2),
              t.get(0),
              t.get(t.size() - 1),
              heap.get(c.name()),
              rss.get(c.name()),
              checks.get(c.name())));
    }
    return section(label, customers, rows, reps, timings);
  }

  /** Runs one contender; when {@code record}, adds its seconds and peaks to the maps. */
  private static Map<String, List<String>> timed(
      Contender c,
      boolean record,
      Map<String, List<Double>> times,
      Map<String, Long> heap,
      Map<String, Long> rss) {
    resetPeaks();
    long t0 = System.nanoTime();
    Map<String, List<String>> got = c.run().get();
    if (record) {
      times.computeIfAbsent(c.name(), k -> new ArrayList<>()).add((System.nanoTime() - t0) / 1e9);
      heap.merge(c.name(), peakHeapMb(), Math::max);
      rss.merge(c.name(), rssHighWaterMb(), Math::max);
    }
    return got;
  }

  private static TenureSettings settings(Path dir, Path out, double badRowLimit) throws Exception {
    Path conf = Files.createTempFile("tenure-bench", ".conf");
    StringBuilder s = new StringBuilder("tenure {\n");
    for (String t : List.of("transactions", "cancellations", "interactions", "customers")) {
      s.append("inputs.").append(t).append(".path = \"").append(dir.resolve(t)).append("\"\n");
    }
    s.append("output.path = \"").append(out).append("\"\n");
    s.append("as-of = \"").append(AS_OF).append("\"\n");
    s.append("quality.max-quarantined-fraction = ").append(badRowLimit).append("\n}\n");
    Files.writeString(conf, s);
    return ConfigLoader.load(conf.toFile(), Map.of());
  }

  /** Tenure's full run; returns its core tables in the comparison layout. */
  private static Map<String, List<String>> tenure(
      SparkSession spark, TenureSettings settings, Path out, Set<MetricFamily> families) {
    new TenureJob(spark, settings, families).execute();
    String part = "/as_of=" + AS_OF;
    Map<String, List<String>> r = new LinkedHashMap<>();
    r.put(
        "cohort",
        rows(
            spark
                .read()
                .parquet(out + "/cohort_retention" + part)
                .where("breakdown = 'total' and (active_customers > 0 or revenue != 0)")
                .selectExpr(
                    "cohort_start",
                    "period_index",
                    "cohort_size",
                    "active_customers",
                    "round(cast(revenue as double), 4)")));
    r.put(
        "churn",
        rows(
            spark
                .read()
                .parquet(out + "/churn_rates" + part)
                .where("customers_at_end > 0")
                .selectExpr("period_start", "customers_at_end")));
    r.put(
        "time_with_customer",
        rows(
            spark
                .read()
                .parquet(out + "/time_with_customer" + part)
                .where("level = 'period_channel_category' and measure = 'handle'")
                .selectExpr(
                    "period_start",
                    "channel",
                    "category",
                    "interactions",
                    "timed_interactions",
                    "round(mean_seconds, 6)",
                    "p50_seconds",
                    "p90_seconds",
                    "max_seconds")));
    return r;
  }

  /** The scan floor: every input column Tenure reads, read once, with a trivial aggregate. */
  private static Map<String, List<String>> floor(SparkSession spark) {
    Map<String, String[]> used =
        Map.of(
            "transactions",
            new String[] {
              "transaction_id", "customer_id", "occurred_at", "amount", "kind", "channel"
            },
            "cancellations",
            new String[] {"customer_id", "cancelled_at", "kind", "reason"},
            "interactions",
            new String[] {
              "interaction_id",
              "customer_id",
              "channel",
              "category",
              "opened_at",
              "first_response_at",
              "closed_at",
              "handle_seconds",
              "resolved",
              "csat",
              "nps"
            },
            "customers",
            new String[] {"customer_id", "signup_at", "segment", "country"});
    used.forEach(
        (table, columns) -> {
          Column[] cols = Arrays.stream(columns).map(c -> col(c)).toArray(Column[]::new);
          spark.table("raw_" + table).agg(count(lit(1)), sum(hash(cols))).collectAsList();
        });
    return Map.of();
  }

  private static Map<String, List<String>> sql(
      SparkSession spark, Queries.Dialect d, double epsilon) {
    Map<String, List<String>> r = new LinkedHashMap<>();
    r.put("cohort", rows(spark.sql(Queries.cohort(d, AS_OF))));
    r.put("churn", rows(spark.sql(Queries.churnAtEnd(d, AS_OF, FIRST_MONTH))));
    r.put("time_with_customer", rows(spark.sql(Queries.timeWithCustomer(d, AS_OF, epsilon))));
    return r;
  }

  private static Map<String, List<String>> duckdb(Queries.Dialect d, double epsilon) {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute("SET threads = " + Runtime.getRuntime().availableProcessors());
      Map<String, List<String>> r = new LinkedHashMap<>();
      r.put("cohort", rows(st, Queries.cohort(d, AS_OF)));
      r.put("churn", rows(st, Queries.churnAtEnd(d, AS_OF, FIRST_MONTH)));
      r.put("time_with_customer", rows(st, Queries.timeWithCustomer(d, AS_OF, epsilon)));
      return r;
    } catch (Exception e) {
      throw new IllegalStateException("DuckDB failed: " + e.getMessage(), e);
    }
  }

  private static List<String> rows(Dataset<Row> df) {
    List<String> out = new ArrayList<>();
    for (Row row : df.collectAsList()) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length(); i++) {
        b.append(canonical(row.get(i))).append('|');
      }
      out.add(b.toString());
    }
    out.sort(String::compareTo);
    return out;
  }

  private static List<String> rows(Statement st, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          b.append(canonical(rs.getObject(i))).append('|');
        }
        out.add(b.toString());
      }
    }
    out.sort(String::compareTo);
    return out;
  }

  /** Numbers compare by value (10 = 10.0), dates as yyyy-MM-dd. */
  private static String canonical(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number n) {
      return new BigDecimal(n.toString()).stripTrailingZeros().toPlainString();
    }
    return v.toString();
  }

  /**
   * Whether a SQL contender's rows agree with Tenure's: equal, except that Tenure's p50 and p90
   * (Spark's percentile_approx, rank error at most ε × n) may be any value within the exact
   * percentiles at p ± ε that the contender returns.
   */
  static boolean agrees(Map<String, List<String>> tenure, Map<String, List<String>> other) {
    for (String table : tenure.keySet()) {
      List<String> a = tenure.get(table);
      List<String> b = other.getOrDefault(table, List.of());
      boolean same = table.equals("time_with_customer") ? outsideBracket(a, b) < 0 : a.equals(b);
      if (!same) {
        return false;
      }
    }
    return tenure.keySet().equals(other.keySet());
  }

  /**
   * Rows "key(6)|p50|p90|max|" against "key(6)|p50 low|p50 high|p90 low|p90 high|max|": the index
   * of the first row that differs, -1 when none does (the row count first).
   */
  private static int outsideBracket(List<String> tenure, List<String> other) {
    if (tenure.size() != other.size()) {
      return 0;
    }
    for (int i = 0; i < tenure.size(); i++) {
      String[] t = tenure.get(i).split("\\|", -1);
      String[] o = other.get(i).split("\\|", -1);
      if (!Arrays.equals(t, 0, 6, o, 0, 6)
          || !between(t[6], o[6], o[7])
          || !between(t[7], o[8], o[9])
          || !t[8].equals(o[10])) {
        return i;
      }
    }
    return -1;
  }

  private static boolean between(String value, String low, String high) {
    if (value.equals("null") || low.equals("null")) {
      return value.equals(low) && value.equals(high);
    }
    BigDecimal v = new BigDecimal(value);
    return v.compareTo(new BigDecimal(low)) >= 0 && v.compareTo(new BigDecimal(high)) <= 0;
  }

  private static String diff(Map<String, List<String>> a, Map<String, List<String>> b) {
    StringBuilder s = new StringBuilder();
    for (String k : a.keySet()) {
      List<String> x = a.get(k);
      List<String> y = b.getOrDefault(k, List.of());
      if (k.equals("time_with_customer")) {
        int i = outsideBracket(x, y);
        if (i >= 0) {
          s.append(k)
              .append(": first differing row, tenure ")
              .append(i < x.size() ? x.get(i) : "none")
              .append(" / other ")
              .append(i < y.size() ? y.get(i) : "none")
              .append("; ");
        }
      } else if (!x.equals(y)) {
        List<String> onlyA = new ArrayList<>(x);
        onlyA.removeAll(y);
        List<String> onlyB = new ArrayList<>(y);
        onlyB.removeAll(x);
        s.append(k)
            .append(": ")
            .append(x.size())
            .append(" vs ")
            .append(y.size())
            .append(" rows, e.g. tenure ")
            .append(onlyA.stream().limit(2).toList())
            .append(" / other ")
            .append(onlyB.stream().limit(2).toList())
            .append("; ");
      }
    }
    return s.toString();
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    System.gc();
    try {
      // Resets the kernel's peak-RSS counter (VmHWM) for this process.
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
    } catch (Exception notLinux) {
      // VmHWM then covers the whole run
    }
  }

  private static long peakHeapMb() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        bytes += pool.getPeakUsage().getUsed();
      }
    }
    return bytes >> 20;
  }

  /** The process's peak resident memory since the last reset, in MB (-1 when unknown). */
  private static long rssHighWaterMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) >> 10;
        }
      }
    } catch (Exception e) {
      // not Linux
    }
    return -1;
  }

  static String machine() {
    Runtime rt = Runtime.getRuntime();
    return String.format(
        Locale.ROOT,
        "Machine: %d cores, max heap %d MB, Java %s, %s %s.%n",
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        System.getProperty("java.version"),
        System.getProperty("os.name"),
        System.getProperty("os.arch"));
  }

  private static String section(
      String scale, long customers, Map<String, Long> rows, int reps, List<Timing> timings) {
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "### Scale %s: %,d customers, %,d transactions, %,d cancellations, %,d interactions"
                + " (%d repetitions)%n%n",
            scale,
            customers,
            rows.get("transactions"),
            rows.get("cancellations"),
            rows.get("interactions"),
            reps));
    s.append("| contender | median s | min s | max s | peak heap MB | peak RSS MB | results |\n");
    s.append("|---|---|---|---|---|---|---|\n");
    for (Timing t : timings) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %.1f | %.1f | %d | %d | %s |%n",
              t.name(),
              t.median(),
              t.min(),
              t.max(),
              t.peakHeapMb(),
              t.peakRssMb(),
              t.check()));
    }
    s.append('\n');
    for (Timing tenure : timings.subList(0, 2)) {
      for (Timing t : timings.subList(2, timings.size())) {
        s.append(
            String.format(
                Locale.ROOT,
                "- %s / %s: %.2f%n",
                tenure.name(),
                t.name(),
                tenure.median() / Math.max(t.median(), 1e-9)));
      }
    }
    return s.toString();
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      out.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return out;
  }
}
