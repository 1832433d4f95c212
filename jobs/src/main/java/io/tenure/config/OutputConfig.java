package io.tenure.config;

import com.typesafe.config.Config;
import java.util.Optional;

/** Reads the optional publish targets under {@code tenure.output}: PostgreSQL and Iceberg. */
final class OutputConfig {
  private OutputConfig() {}

  /** {@code output.jdbc.*}; empty when {@code output.jdbc.url} is null. */
  static Optional<JdbcSettings> jdbc(Config t, ConfigReader r) {
    if (t.getIsNull("output.jdbc.url")) {
      return Optional.empty();
    }
    return Optional.of(
        r.build(
            "output.jdbc.url",
            () ->
                new JdbcSettings(
                    r.string("output.jdbc.url"),
                    r.string("output.jdbc.user"),
                    r.string("output.jdbc.password-env"),
                    r.string("output.jdbc.schema"))));
  }

  /**
   * {@code output.iceberg.*}; empty unless enabled. A null warehouse is {@code
   * <output.path>/_iceberg}; "spark-conf" means the catalog comes from tenure.spark.conf.
   */
  static Optional<IcebergSettings> iceberg(Config t, ConfigReader r, String outputPath) {
    if (!r.bool("output.iceberg.enabled")) {
      return Optional.empty();
    }
    return Optional.of(
        r.build(
            "output.iceberg",
            () ->
                new IcebergSettings(
                    r.string("output.iceberg.catalog"),
                    t.getIsNull("output.iceberg.warehouse")
                        ? Optional.of(outputPath + "/_iceberg")
                        : Optional.of(r.string("output.iceberg.warehouse"))
                            .filter(w -> !w.equals("spark-conf")),
                    r.string("output.iceberg.namespace"),
                    r.duration("output.iceberg.snapshot-retention"))));
  }
}
