package io.tenure.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.tenure.config.IcebergSettings;
import io.tenure.errors.Errors;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a run's tables as Apache Iceberg tables, from the Parquet it has just published.
 *
 * <p>{@code <catalog>.<namespace>.<table>} is partitioned by as_of: a run replaces its date's
 * partition in one new snapshot (dynamic partition overwrite), so a reader sees the previous
 * snapshot until the commit and the new one after it, and a rerun of a date replaces, never
 * appends. {@code <table>_latest} holds the newest as-of date alone (replaced whole when the run's
 * date is the newest; a backfill of an older date leaves it). After each publish, snapshots older
 * than the retention are expired (the current one is always kept). Each table commits on its own:
 * between two tables' commits a reader can see one new and one previous table.
 */
public final class IcebergPublisher {
  public static final String LATEST = "_latest";
  private static final String ACCEPT_ANY_SCHEMA = "write.spark.accept-any-schema";
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  /**
   * A table to publish, with its description (the table comment) and column descriptions (column
   * comments; columns without one are left without).
   */
  public record Table(String name, String description, java.util.Map<String, String> columns) {}

  private IcebergPublisher() {}

  public static void publish(
      SparkSession spark,
      IcebergSettings settings,
      String outputRoot,
      LocalDate asOf,
      List<Table> tables) {
    registerCatalog(spark, settings);
    String ns = settings.catalog() + "." + settings.namespace();
    try {
      spark.sql("CREATE NAMESPACE IF NOT EXISTS " + ns);
      for (Table t : tables) {
        Dataset<Row> rows =
            spark
                .read()
                .parquet(new Path(new Path(outputRoot, t.name()), "as_of=" + asOf).toString())
                .withColumn("as_of", lit(java.sql.Date.valueOf(asOf)));
        String ident = ns + "." + t.name();
        if (!spark.catalog().tableExists(ident)) {
          rows.writeTo(ident)
              .partitionedBy(col("as_of"))
              .tableProperty("format-version", "2")
              .tableProperty(ACCEPT_ANY_SCHEMA, "true")
              .create();
          spark.sql("COMMENT ON TABLE " + ident + " IS " + literal(t.description()));
        } else {
          // A newer Tenure may add columns: the table evolves (older rows read them as null).
          spark.sql(
              "ALTER TABLE " + ident + " SET TBLPROPERTIES ('" + ACCEPT_ANY_SCHEMA + "' = 'true')");
          rows.select(inTableOrder(spark.table(ident).columns(), rows.columns()))
              .writeTo(ident)
              .option("mergeSchema", "true")
              .overwritePartitions();
        }
        java.sql.Date newest = spark.table(ident).agg(max(col("as_of"))).first().getDate(0);
        // An empty table (no quarantined rows in any run) has no newest date.
        if (newest == null || !newest.toLocalDate().isAfter(asOf)) {
          rows.writeTo(ident + LATEST)
              .tableProperty("comment", t.description() + " (the newest as-of date only)")
              .createOrReplace();
        }
        describeColumns(spark, ident, t.columns());
        expire(spark, ident, settings.snapshotRetention());
        if (spark.catalog().tableExists(ident + LATEST)) {
          expire(spark, ident + LATEST, settings.snapshotRetention());
        }
      }
      LOG.info("Published {} Iceberg tables in {}", tables.size(), ns);
    } catch (Exception e) { // Spark and Iceberg report failures unchecked through Scala
      throw Errors.failure(
          "Publishing the Iceberg tables in "
              + ns
              + " failed: "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              + ". The Parquet outputs are published; each Iceberg table is at its previous"
              + " snapshot or at this run's. Re-run the date to publish again.",
          e);
    }
  }

  /**
   * Registers {@code settings.catalog()} as an Iceberg catalog over a file-based warehouse, unless
   * the Spark configuration already defines that catalog (a JDBC or REST catalog).
   */
  public static void registerCatalog(SparkSession spark, IcebergSettings settings) {
    String key = "spark.sql.catalog." + settings.catalog();
    if (spark.conf().getOption(key).isDefined()) {
      return;
    }
    if (settings.warehouse().isEmpty()) {
      throw Errors.configKey(
          "tenure.output.iceberg.warehouse",
          "'spark-conf' needs the catalog '"
              + settings.catalog()
              + "' in tenure.spark.conf ("
              + key
              + " = org.apache.iceberg.spark.SparkCatalog and its type); it is not there");
    }
    spark.conf().set(key, "org.apache.iceberg.spark.SparkCatalog");
    spark.conf().set(key + ".type", "hadoop");
    spark.conf().set(key + ".warehouse", settings.warehouse().get());
  }

  /** Sets the column comments that differ from {@code docs}, in one schema change. */
  private static void describeColumns(
      SparkSession spark, String ident, java.util.Map<String, String> docs) throws Exception {
    org.apache.iceberg.Table table = Spark3Util.loadIcebergTable(spark, ident);
    org.apache.iceberg.UpdateSchema update = table.updateSchema();
    boolean changed = false;
    for (org.apache.iceberg.types.Types.NestedField f : table.schema().columns()) {
      String doc = docs.get(f.name());
      if (doc != null && !doc.equals(f.doc())) {
        update.updateColumnDoc(f.name(), doc);
        changed = true;
      }
    }
    if (changed) {
      update.commit();
    }
  }

  /** The table's columns first, in its order (Iceberg checks it), then any new ones. */
  private static org.apache.spark.sql.Column[] inTableOrder(String[] table, String[] data) {
    java.util.LinkedHashSet<String> order = new java.util.LinkedHashSet<>();
    java.util.Set<String> present = java.util.Set.of(data);
    for (String c : table) {
      if (present.contains(c)) {
        order.add(c);
      }
    }
    order.addAll(java.util.Arrays.asList(data));
    return order.stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new);
  }

  private static String literal(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private static void expire(SparkSession spark, String ident, Duration retention)
      throws Exception {
    long cutoff = System.currentTimeMillis() - retention.toMillis();
    Spark3Util.loadIcebergTable(spark, ident)
        .expireSnapshots()
        .expireOlderThan(cutoff)
        .retainLast(1)
        .commit();
  }
}
