package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.ConfigLoader;
import io.tenure.config.IcebergSettings;
import io.tenure.config.TenureSettings;
import io.tenure.io.IcebergPublisher;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.io.File;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.hadoop.HadoopCatalog;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Iceberg output: after a run, Spark SQL reads the tables by name with no repair step;
 * Iceberg's own Java reader (not Tenure's writer) reads the same rows; a rerun of a date replaces
 * its partition (no duplicates) in a new snapshot; `_latest` holds the newest date only and a
 * backfill does not move it; snapshots past the retention are expired, the current one kept.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class IcebergPublishTest {
  @TempDir static Path out;

  private static void run(String asOf, String retention) {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("base-dir", EndToEndTest.ROOT);
    overrides.put("output.path", out.toString());
    overrides.put("output.iceberg.enabled", "true");
    overrides.put("output.iceberg.catalog", "tenure_test");
    overrides.put("output.iceberg.snapshot-retention", retention);
    overrides.put("inputs.interactions.path", "null");
    overrides.put("inputs.customers.path", "null");
    TenureSettings s =
        ConfigLoader.load(new File(EndToEndTest.CONF), overrides).withAsOf(LocalDate.parse(asOf));
    new TenureJob(SparkSession.active(), s, EnumSet.of(MetricFamily.CHURN_RATES)).execute();
  }

  private static List<String> parquet(SparkSession spark, String table, String asOf) {
    return Rows.sorted(
        spark
            .read()
            .parquet(out.resolve(table).resolve("as_of=" + asOf).toString())
            .selectExpr("*", "date'" + asOf + "' as as_of"));
  }

  private static long javaApiRows(String table, String asOf) throws Exception {
    try (HadoopCatalog catalog =
        new HadoopCatalog(
            SparkSession.active().sparkContext().hadoopConfiguration(),
            out.resolve("_iceberg").toString())) {
      Table t = catalog.loadTable(TableIdentifier.of("tenure", table));
      long n = 0;
      try (CloseableIterable<Record> rows = IcebergGenerics.read(t).build()) {
        for (Record r : rows) {
          if (r.getField("as_of").toString().equals(asOf)) {
            n++;
          }
        }
      }
      return n;
    }
  }

  private static long snapshots(SparkSession spark, String table) {
    return spark.sql("select * from tenure_test.tenure." + table + ".snapshots").count();
  }

  @Test
  void tablesByNameSnapshotsPerRunLatestAndExpiry(SparkSession spark) throws Exception {
    // As an older Tenure would have left it: churn_reasons without its last column.
    IcebergPublisher.registerCatalog(
        spark,
        new IcebergSettings(
            "tenure_test",
            java.util.Optional.of(out.resolve("_iceberg").toString()),
            "tenure",
            java.time.Duration.ofDays(7)));
    spark.sql("create namespace if not exists tenure_test.tenure");
    spark.sql(
        "create table tenure_test.tenure.churn_reasons (period_start date, churn_type string,"
            + " reason string, as_of date) using iceberg partitioned by (as_of)");
    run("2024-09-30", "7d");
    // Columns the old table lacked are added at the end; older rows read them as null.
    List<String> expected =
        new java.util.ArrayList<>(List.of("period_start", "churn_type", "reason", "as_of"));
    for (String c :
        spark
            .read()
            .parquet(out.resolve("churn_reasons").resolve("as_of=2024-09-30").toString())
            .columns()) {
      if (!expected.contains(c)) {
        expected.add(c);
      }
    }
    assertThat(expected).hasSizeGreaterThan(4);
    assertThat(spark.table("tenure_test.tenure.churn_reasons").columns())
        .as("the table evolved to the current columns")
        .containsExactlyElementsOf(expected);
    List<String> september = parquet(spark, "churn_rates", "2024-09-30");
    assertThat(Rows.sorted(spark.sql("select * from tenure_test.tenure.churn_rates")))
        .isEqualTo(september);
    assertThat(Rows.sorted(spark.sql("select * from tenure_test.tenure.churn_rates_latest")))
        .isEqualTo(september);
    assertThat(javaApiRows("churn_rates", "2024-09-30")).isEqualTo(september.size());
    try (HadoopCatalog catalog =
        new HadoopCatalog(
            spark.sparkContext().hadoopConfiguration(), out.resolve("_iceberg").toString())) {
      assertThat(
              catalog
                  .loadTable(TableIdentifier.of("tenure", "churn_rates"))
                  .properties()
                  .get("comment"))
          .isEqualTo(MetricFamily.CHURN_RATES.family().tables().get(0).description());
      // Column comments come from docs/tables.md.
      assertThat(
              catalog
                  .loadTable(TableIdentifier.of("tenure", "churn_reasons"))
                  .schema()
                  .findField("churn_type")
                  .doc())
          .isEqualTo("`voluntary`, `involuntary`, `unspecified`, `inactivity`");
    }

    // A rerun replaces the date's rows in a new snapshot.
    long before = snapshots(spark, "churn_rates");
    run("2024-09-30", "7d");
    assertThat(Rows.sorted(spark.sql("select * from tenure_test.tenure.churn_rates")))
        .isEqualTo(september);
    assertThat(snapshots(spark, "churn_rates")).isEqualTo(before + 1);

    // A later date adds its partition; _latest moves to it; a backfill leaves _latest alone.
    run("2024-12-31", "7d");
    List<String> december = parquet(spark, "churn_rates", "2024-12-31");
    assertThat(
            Rows.sorted(
                spark.sql(
                    "select * from tenure_test.tenure.churn_rates where as_of = '2024-12-31'")))
        .isEqualTo(december);
    assertThat(Rows.sorted(spark.sql("select * from tenure_test.tenure.churn_rates_latest")))
        .isEqualTo(december);
    assertThat(javaApiRows("churn_rates", "2024-09-30")).isEqualTo(september.size());
    run("2024-06-30", "0s");
    assertThat(Rows.sorted(spark.sql("select * from tenure_test.tenure.churn_rates_latest")))
        .isEqualTo(december);
    assertThat(spark.sql("select distinct as_of from tenure_test.tenure.churn_rates").count())
        .isEqualTo(3);
    // Retention 0s: only the current snapshot is left, and readers still see every partition.
    assertThat(snapshots(spark, "churn_rates")).isEqualTo(1);
    assertThat(javaApiRows("churn_rates", "2024-12-31")).isEqualTo(december.size());
  }
}
