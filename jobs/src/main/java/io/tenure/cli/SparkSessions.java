package io.tenure.cli;

import io.tenure.config.TenureSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Creates (or joins) the Spark session with the settings Tenure relies on. */
public final class SparkSessions {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.tenure");

  static final String MIN_PARTITION_NUM = "spark.sql.adaptive.coalescePartitions.minPartitionNum";
  static final String HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit";

  private SparkSessions() {}

  /**
   * A session for Tenure. Under spark-submit the master comes from spark-submit; run directly
   * (bin/tenure) it is {@code local[*]}. Two settings are forced because results depend on them:
   * the session time zone is UTC (period boundaries use the configured business zone explicitly),
   * and Parquet timestamps are written as TIMESTAMP_MICROS so that every reader sees timestamps.
   */
  static SparkSession open(String appName, Map<String, String> sparkConf) {
    if (exists()) {
      // Embedded (tests, notebooks): join the caller's session, forcing only what results need.
      SparkSession existing = SparkSession.active();
      existing.conf().set("spark.sql.session.timeZone", "UTC");
      existing.conf().set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
      return existing;
    }
    SparkConf submitted = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder();
    String name = submitted.get("spark.app.name", "");
    if (name.isEmpty() || name.equals(TenureCli.class.getName())) {
      builder.appName(appName); // spark-submit without --name names the app after the class
    }
    settings(submitted, sparkConf).forEach(builder::config);
    return builder.getOrCreate();
  }

  /**
   * The settings Tenure gives a session it creates. spark-submit's settings (--conf,
   * spark-defaults.conf) arrive as system properties in {@code submitted}: they win over
   * tenure.spark.conf ({@code sparkConf}), which wins over Tenure's defaults.
   */
  public static Map<String, String> settings(SparkConf submitted, Map<String, String> sparkConf) {
    Map<String, String> out = new LinkedHashMap<>();
    if (!submitted.contains("spark.master")) {
      int cores = Runtime.getRuntime().availableProcessors();
      out.put("spark.master", "local[*]");
      out.put("spark.ui.showConsoleProgress", "false");
      // Spark's default of 200 shuffle partitions only adds task overhead on one machine.
      out.put("spark.sql.shuffle.partitions", String.valueOf(4 * cores));
      // AQE coalesces to at least one partition per core, of up to 64 MB: a 142 MB shuffle on 2
      // cores became 3 partitions, the third running alone. Two per core run in even waves up to
      // 128 MB per core (docs/benchmarks.md). Deprecated in Spark 3.2, still read by 3.5.
      out.put(MIN_PARTITION_NUM, String.valueOf(2 * cores));
    }
    out.put("spark.sql.adaptive.enabled", "true");
    // HotSpot compiles no method above 8,000 bytes of bytecode: with Spark's default (64 KB) a wide
    // plan runs interpreted, 2-3 times slower than without whole-stage codegen (Spark's own advice
    // for HotSpot; docs/benchmarks.md).
    out.put(HUGE_METHOD_LIMIT, "8000");
    out.keySet().removeIf(submitted::contains);
    sparkConf.forEach(
        (key, value) -> {
          if (submitted.contains(key)) {
            LOG.warn(
                "tenure.spark.conf.\"{}\" = {} is ignored: spark-submit set {} = {}",
                key,
                value,
                key,
                submitted.get(key));
          } else {
            out.put(key, value);
          }
        });
    out.put("spark.sql.session.timeZone", "UTC");
    out.put("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    return out;
  }

  /**
   * Runs {@code body} with a session, and stops the session afterwards only if it was created here
   * (a caller's session, in tests or a notebook, is left running).
   */
  static <T> T with(String appName, Map<String, String> sparkConf, Function<SparkSession, T> body) {
    boolean owned = !exists();
    SparkSession spark = open(appName, sparkConf);
    try {
      return body.apply(spark);
    } finally {
      if (owned) {
        spark.stop();
      }
    }
  }

  static <T> T with(TenureSettings settings, Function<SparkSession, T> body) {
    return with("tenure", settings.sparkConf(), body);
  }

  /** Whether a session already exists (then the caller does not own it and must not stop it). */
  static boolean exists() {
    return SparkSession.getDefaultSession().isDefined()
        || SparkSession.getActiveSession().isDefined();
  }
}
