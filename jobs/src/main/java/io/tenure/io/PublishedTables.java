package io.tenure.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tables that earlier runs published, read back with what their manifests say about them. */
public final class PublishedTables {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private PublishedTables() {}

  /**
   * {@code table} as the run of {@code date} under {@code root} published it, if that run computed
   * it (its manifest lists the table and does not say it was kept from an earlier run of the date)
   * with the configuration whose digest is {@code digest} and Tenure {@code version} (a new version
   * may define a table otherwise); empty otherwise.
   */
  public static Optional<Dataset<Row>> computedBy(
      SparkSession spark,
      String root,
      LocalDate date,
      String table,
      String digest,
      String version) {
    Path base = new Path(root);
    String partition = "as_of=" + date;
    Path manifest = new Path(new Path(base, OutputWriter.MANIFESTS), partition + ".json");
    Path dir = new Path(new Path(base, table), partition);
    try {
      FileSystem fs = base.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Optional<JsonNode> published = ManifestInPlace.read(fs, manifest);
      if (published.isEmpty()) {
        return Optional.empty();
      }
      JsonNode m = published.get();
      JsonNode entry = m.path("outputs").path(table);
      boolean computed = entry.isObject() && !entry.has("run_id");
      if (!computed
          || !digest.equals(m.path("config_digest").asText())
          || !version.equals(m.path("tenure_version").asText())
          || !fs.exists(dir)) {
        return Optional.empty();
      }
      return Optional.of(spark.read().parquet(dir.toString()));
    } catch (IOException e) {
      LOG.warn("Could not read {} of {}: {}", table, date, e.getMessage());
      return Optional.empty();
    }
  }
}
