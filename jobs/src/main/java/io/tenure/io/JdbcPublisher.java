package io.tenure.io;

import static org.apache.spark.sql.functions.lit;

import io.tenure.config.JdbcSettings;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the newest as-of date of every output table to PostgreSQL, where dashboards read it.
 *
 * <p>Each table is first written as {@code <schema>.<table>__new} (Spark's JDBC writer), with a
 * unique index on its key and the table's description as a comment. Only when every table is
 * written does one transaction rename each live table away, the new one into place, and drop the
 * old: readers see all of the previous tables or all of the new ones. A publish that fails or is
 * killed before that transaction leaves only {@code __new} tables behind, which the next publish
 * replaces; the live tables are untouched. Publishing the same output twice gives the same tables.
 */
public final class JdbcPublisher {
  static final String NEW = "__new";
  private static final String OLD = "__old";
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  /**
   * A table to publish.
   *
   * @param key the columns that identify a row (a unique index); empty for none
   * @param description becomes the table's comment
   * @param columns column → description, the column comments
   */
  public record Table(
      String name, List<String> key, String description, Map<String, String> columns) {}

  private JdbcPublisher() {}

  /**
   * Publishes the newest {@code as_of=} partition of each table under {@code outputRoot}; tables
   * without one are left as they are in the database.
   *
   * @return table → the as-of date published
   */
  public static Map<String, String> publish(
      SparkSession spark,
      JdbcSettings settings,
      String password,
      String outputRoot,
      List<Table> tables) {
    Properties props = new Properties();
    props.setProperty("user", settings.user());
    props.setProperty("password", password);
    props.setProperty("driver", "org.postgresql.Driver");
    Map<String, String> published = new LinkedHashMap<>();
    try (Connection c = DriverManager.getConnection(settings.url(), props)) {
      execute(c, "CREATE SCHEMA IF NOT EXISTS " + settings.schema());
      boolean nullsNotDistinct = c.getMetaData().getDatabaseMajorVersion() >= 15;
      for (Table t : tables) {
        Optional<String> asOf = newestAsOf(spark, outputRoot, t.name());
        if (asOf.isEmpty()) {
          continue;
        }
        String staged = settings.schema() + "." + t.name() + NEW;
        Dataset<Row> rows =
            spark
                .read()
                .parquet(new Path(new Path(outputRoot, t.name()), "as_of=" + asOf.get()).toString())
                .withColumn("as_of", lit(java.sql.Date.valueOf(asOf.get())));
        FaultInjection.rows("jdbc:" + t.name(), rows)
            .write()
            .mode(SaveMode.Overwrite)
            .option("truncate", "false")
            .option("batchsize", "10000")
            .jdbc(settings.url(), staged, props);
        if (!t.key().isEmpty()) {
          execute(
              c,
              "CREATE UNIQUE INDEX "
                  + t.name()
                  + NEW
                  + "_key ON "
                  + staged
                  + " ("
                  + String.join(", ", t.key())
                  + ")"
                  + (nullsNotDistinct ? " NULLS NOT DISTINCT" : ""));
        }
        execute(c, "COMMENT ON TABLE " + staged + " IS " + literal(t.description()));
        for (String column : rows.columns()) {
          String doc = t.columns().get(column);
          if (doc != null) {
            execute(c, "COMMENT ON COLUMN " + staged + "." + column + " IS " + literal(doc));
          }
        }
        published.put(t.name(), asOf.get());
      }
      swap(c, settings.schema(), published.keySet().stream().toList(), tables);
      return published;
    } catch (io.tenure.errors.TenureException e) {
      throw e;
    } catch (Exception e) { // SQL errors, and Spark's task failures (unchecked through Scala)
      throw Errors.failure(
          "Publishing to "
              + settings.url()
              + " failed: "
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              + ". The Parquet outputs are published; the database tables are the previous ones."
              + " Re-run the date to publish again.",
          e);
    }
  }

  /** Renames every new table into place in one transaction. */
  private static void swap(Connection c, String schema, List<String> names, List<Table> tables)
      throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      for (String name : names) {
        String live = schema + "." + name;
        s.execute("DROP TABLE IF EXISTS " + live + OLD);
        s.execute("ALTER TABLE IF EXISTS " + live + " RENAME TO " + name + OLD);
        s.execute("ALTER TABLE " + live + NEW + " RENAME TO " + name);
        s.execute("DROP TABLE IF EXISTS " + live + OLD);
        boolean keyed = tables.stream().anyMatch(t -> t.name().equals(name) && !t.key().isEmpty());
        if (keyed) {
          s.execute("ALTER INDEX " + schema + "." + name + NEW + "_key RENAME TO " + name + "_key");
        }
      }
      FaultInjection.point("jdbc:before-commit");
      c.commit();
      LOG.info("Published {} tables to the database", names.size());
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static Optional<String> newestAsOf(SparkSession spark, String root, String table) {
    Path dir = new Path(root, table);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return Optional.empty();
      }
      List<String> dates = new ArrayList<>();
      for (FileStatus st : fs.listStatus(dir)) {
        String n = st.getPath().getName();
        if (st.isDirectory() && n.startsWith("as_of=")) {
          dates.add(n.substring("as_of=".length()));
        }
      }
      return dates.stream().max(String::compareTo);
    } catch (IOException e) {
      throw Errors.failure("Cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String literal(String text) {
    return "'" + text.replace("'", "''") + "'";
  }
}
