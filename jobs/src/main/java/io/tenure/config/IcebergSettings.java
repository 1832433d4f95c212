package io.tenure.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Publishing the tables as Apache Iceberg tables in a catalog, next to the Parquet layout.
 *
 * @param catalog the Spark catalog name the tables are created in
 * @param warehouse the warehouse of an embedded file-based (Hadoop) catalog; empty when the catalog
 *     is configured in tenure.spark.conf (e.g. Iceberg's JDBC catalog on PostgreSQL)
 * @param namespace the namespace (database) of the tables
 * @param snapshotRetention snapshots older than this are expired after each publish (the newest is
 *     always kept)
 */
public record IcebergSettings(
    String catalog, Optional<String> warehouse, String namespace, Duration snapshotRetention) {
  public IcebergSettings {
    Objects.requireNonNull(warehouse, "warehouse");
    if (!catalog.matches("[A-Za-z_][A-Za-z0-9_]*")
        || !namespace.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "catalog and namespace must be identifiers (letters, digits, _), got "
              + catalog
              + "."
              + namespace);
    }
    if (snapshotRetention.isNegative()) {
      throw new IllegalArgumentException("snapshot-retention must not be negative");
    }
  }
}
