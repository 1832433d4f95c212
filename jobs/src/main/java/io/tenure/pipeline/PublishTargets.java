package io.tenure.pipeline;

import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.io.IcebergPublisher;
import io.tenure.io.JdbcPublisher;
import java.time.LocalDate;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;

/**
 * Where a run's tables go after the Parquet layout is published: Iceberg tables and a PostgreSQL
 * schema, each when configured. Both read the published Parquet; a failure in either fails the run
 * (exit 1) with the Parquet output in place. The database password is read at start-up, so that a
 * missing one stops the run before it computes anything.
 */
final class PublishTargets {
  private final SparkSession spark;
  private final TenureSettings settings;
  private final Optional<String> jdbcPassword;
  private final java.util.Map<String, java.util.Map<String, String>> columnDocs = ColumnDocs.load();

  PublishTargets(SparkSession spark, TenureSettings settings, UnaryOperator<String> environment) {
    this.spark = spark;
    this.settings = settings;
    this.jdbcPassword = settings.jdbc().map(j -> password(j.passwordEnv(), environment));
  }

  /** Publishes the tables this run wrote for {@code asOf} to every configured target. */
  void publish(LocalDate asOf, Set<String> written) {
    settings
        .iceberg()
        .ifPresent(
            iceberg ->
                Stages.run(
                    spark,
                    "publish:iceberg",
                    "Publish the Iceberg tables",
                    () -> {
                      IcebergPublisher.publish(
                          spark,
                          iceberg,
                          settings.outputPath(),
                          asOf,
                          MetricFamily.allTables().stream()
                              .filter(t -> written.contains(t.name()))
                              .map(
                                  t ->
                                      new IcebergPublisher.Table(
                                          t.name(), t.description(), columns(t.name())))
                              .toList());
                      return null;
                    }));
    settings
        .jdbc()
        .ifPresent(
            jdbc ->
                Stages.run(
                    spark,
                    "publish:jdbc",
                    "Publish the newest tables to the database",
                    () ->
                        JdbcPublisher.publish(
                            spark,
                            jdbc,
                            jdbcPassword.orElseThrow(),
                            settings.outputPath(),
                            MetricFamily.allTables().stream()
                                .map(
                                    t ->
                                        new JdbcPublisher.Table(
                                            t.name(), t.key(), t.description(), columns(t.name())))
                                .toList())));
  }

  private java.util.Map<String, String> columns(String table) {
    return columnDocs.getOrDefault(table, java.util.Map.of());
  }

  /** The database password from its environment variable; unset is a configuration error. */
  private static String password(String variable, UnaryOperator<String> environment) {
    String value = environment.apply(variable);
    if (value == null || value.isEmpty()) {
      throw Errors.configKey(
          "tenure.output.jdbc.password-env",
          "the environment variable "
              + variable
              + " that should hold the database password is not set. Set it, or set"
              + " output.jdbc.url = null");
    }
    return value;
  }
}
