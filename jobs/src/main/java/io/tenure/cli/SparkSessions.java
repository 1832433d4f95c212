package io.tenure.cli;

import io.tenure.config.TenureSettings;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Creates (or joins) the Spark session with the settings Tenure relies on. */
final class SparkSessions {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.tenure");

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
    // spark-submit's settings (--name, --conf, spark-defaults.conf) arrive as system properties:
    // they win over tenure.spark.conf, which wins over Tenure's defaults below.
    SparkConf conf = new SparkConf();
    SparkSession.Builder builder = SparkSession.builder();
    String submitted = conf.get("spark.app.name", "");
    if (submitted.isEmpty() || submitted.equals(TenureCli.class.getName())) {
      builder.appName(appName); // spark-submit without --name names the app after the class
    }
    if (!conf.contains("spark.master")) {
      builder.master("local[*]");
      builder.config("spark.ui.showConsoleProgress", "false");
      // Spark's default of 200 shuffle partitions only adds task overhead on one machine.
      builder.config(
          "spark.sql.shuffle.partitions",
          String.valueOf(4 * Runtime.getRuntime().availableProcessors()));
    }
    if (!conf.contains("spark.sql.adaptive.enabled")) {
      builder.config("spark.sql.adaptive.enabled", "true");
    }
    sparkConf.forEach(
        (key, value) -> {
          if (conf.contains(key)) {
            LOG.warn(
                "tenure.spark.conf.\"{}\" = {} is ignored: spark-submit set {} = {}",
                key,
                value,
                key,
                conf.get(key));
          } else {
            builder.config(key, value);
          }
        });
    builder.config("spark.sql.session.timeZone", "UTC");
    builder.config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS");
    return builder.getOrCreate();
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
