package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenure.config.ConfigLoader;
import io.tenure.config.TenureSettings;
import io.tenure.errors.TenureException;
import io.tenure.testing.LocalPostgres;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL publish against a real server (Debian's postgresql package, started here on
 * 127.0.0.1): the database holds the newest as-of date of every table, row for row as in Parquet,
 * with a unique index on its key and its description; a re-publish gives the same tables; a publish
 * that fails midway (after one table was written) leaves the previous tables; a backfill of an
 * older date does not replace the newest.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class JdbcPublishTest {
  private static final List<String> TABLES = List.of("churn_rates", "churn_reasons");
  private static LocalPostgres pg;
  @TempDir static Path out;

  @BeforeAll
  static void startPostgres() throws Exception {
    var bin = LocalPostgres.binaries();
    Assumptions.assumeTrue(
        bin.isPresent(),
        "PostgreSQL server not installed (apt-get install postgresql): JDBC publish not tested");
    pg = LocalPostgres.start(bin.get());
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private static void run(String asOf) {
    Map<String, String> overrides = new LinkedHashMap<>();
    overrides.put("base-dir", EndToEndTest.ROOT);
    overrides.put("output.path", out.toString());
    overrides.put("output.jdbc.url", pg.url());
    // Transactions and cancellations are all churn_rates reads: a shorter run.
    overrides.put("inputs.interactions.path", "null");
    overrides.put("inputs.customers.path", "null");
    TenureSettings s =
        ConfigLoader.load(new File(EndToEndTest.CONF), overrides).withAsOf(LocalDate.parse(asOf));
    SparkSession spark = SparkSession.active();
    new TenureJob(
            spark,
            s,
            EnumSet.of(MetricFamily.CHURN_RATES),
            name -> name.equals("TENURE_JDBC_PASSWORD") ? "unused-with-trust" : null)
        .execute();
  }

  /** A run in its own JVM that halts inside the database swap, before its commit. */
  private static Process killedInTheSwap(String asOf) throws Exception {
    List<String> cmd =
        io.tenure.testing.TenureJvm.command(
            List.of("-Dtenure.fault.halt-at=jdbc:before-commit"),
            List.of(
                "run",
                "--conf",
                EndToEndTest.CONF,
                "--as-of",
                asOf,
                "--only",
                "churn_rates",
                "-D",
                "base-dir=" + EndToEndTest.ROOT,
                "-D",
                "output.path=" + out,
                "-D",
                "output.jdbc.url=" + pg.url(),
                "-D",
                "inputs.interactions.path=null",
                "-D",
                "inputs.customers.path=null"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(out.resolve("killed-run.log").toFile());
    pb.environment().put("TENURE_JDBC_PASSWORD", "unused-with-trust");
    return pb.start();
  }

  private static Connection db() throws Exception {
    Properties p = new Properties();
    p.setProperty("user", "tenure");
    return DriverManager.getConnection(pg.url(), p);
  }

  private static List<String> rows(SparkSession spark, String table) {
    Properties p = new Properties();
    p.setProperty("user", "tenure");
    Dataset<Row> t = spark.read().jdbc(pg.url(), "tenure." + table, p);
    return Rows.sorted(t);
  }

  private static List<String> parquet(SparkSession spark, String table, String asOf) {
    return Rows.sorted(
        spark
            .read()
            .parquet(out.resolve(table).toString())
            .where("as_of = date'" + asOf + "'")
            .selectExpr(columnsWithAsOfLast(spark, table)));
  }

  private static String[] columnsWithAsOfLast(SparkSession spark, String table) {
    List<String> cols = new ArrayList<>();
    for (String c : spark.read().parquet(out.resolve(table).toString()).columns()) {
      if (!c.equals("as_of")) {
        cols.add(c);
      }
    }
    cols.add("as_of");
    return cols.toArray(String[]::new);
  }

  private static List<String> list(String sql) throws Exception {
    List<String> values = new ArrayList<>();
    try (Connection c = db();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  @Test
  void publishesTheNewestDateAtomicallyAndIdempotently(SparkSession spark) throws Exception {
    run("2024-09-30");
    List<String> september = rows(spark, "churn_rates");
    for (String table : TABLES) {
      assertThat(rows(spark, table)).as(table).isEqualTo(parquet(spark, table, "2024-09-30"));
    }
    assertThat(list("select indexdef from pg_indexes where indexname = 'churn_rates_key'"))
        .singleElement()
        .asString()
        .contains("UNIQUE")
        .contains("(period_start)");
    assertThat(list("select obj_description('tenure.churn_rates'::regclass)"))
        .containsExactly(MetricFamily.CHURN_RATES.family().tables().get(0).description());
    assertThat(
            list(
                "select col_description('tenure.churn_reasons'::regclass, ordinal_position::int)"
                    + " from information_schema.columns where table_schema = 'tenure'"
                    + " and table_name = 'churn_reasons' and column_name = 'churn_type'"))
        .containsExactly("`voluntary`, `involuntary`, `unspecified`, `inactivity`");

    // Publishing the same output again gives the same tables, and leaves nothing behind.
    run("2024-09-30");
    assertThat(rows(spark, "churn_rates")).isEqualTo(september);
    assertThat(list("select tablename from pg_tables where schemaname = 'tenure' order by 1"))
        .containsExactlyInAnyOrder("churn_rates", "churn_reasons", "quarantine");

    // A publish that fails after writing churn_rates' new table: the live tables stay September's.
    System.setProperty("tenure.fault.fail-table", "jdbc:churn_reasons");
    try {
      assertThatThrownBy(() -> run("2024-12-31"))
          .isInstanceOf(TenureException.class)
          .hasMessageContaining("the database tables are the previous ones");
    } finally {
      System.clearProperty("tenure.fault.fail-table");
    }
    assertThat(rows(spark, "churn_rates")).isEqualTo(september);
    assertThat(rows(spark, "churn_reasons"))
        .isEqualTo(parquet(spark, "churn_reasons", "2024-09-30"));

    // A run killed (kill -9) inside the swap transaction, after renaming, before the commit: the
    // server rolls the transaction back; the live tables stay September's.
    Process killed = killedInTheSwap("2024-12-31");
    assertThat(killed.waitFor()).isEqualTo(137);
    assertThat(rows(spark, "churn_rates")).isEqualTo(september);
    assertThat(rows(spark, "churn_reasons"))
        .isEqualTo(parquet(spark, "churn_reasons", "2024-09-30"));

    run("2024-12-31");
    for (String table : TABLES) {
      assertThat(rows(spark, table)).as(table).isEqualTo(parquet(spark, table, "2024-12-31"));
    }
    // A backfill of an older date publishes its Parquet, but the database keeps the newest date.
    run("2024-06-30");
    assertThat(list("select distinct cast(as_of as text) from tenure.churn_rates"))
        .containsExactly("2024-12-31");
  }
}
