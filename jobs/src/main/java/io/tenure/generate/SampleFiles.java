package io.tenure.generate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/** How generated tables are laid out as Parquet files: in one folder per table, or by date. */
final class SampleFiles {
  /** The partition column of {@link #writePartitioned}. */
  static final String PARTITION_COLUMN = "date";

  private SampleFiles() {}

  /** The four tables under {@code out}, each in {@code files} files ordered by time. */
  static void write(SampleGenerator.Tables t, String out, int files) {
    write(t.transactions().orderBy("occurred_at", "transaction_id"), out + "/transactions", files);
    write(t.cancellations().orderBy("cancelled_at", "customer_id"), out + "/cancellations", files);
    write(t.interactions().orderBy("opened_at", "interaction_id"), out + "/interactions", files);
    write(t.customers().orderBy("customer_id"), out + "/customers", files);
  }

  /**
   * The three event tables laid out by the date of their event in the session time zone (UTC under
   * Tenure's CLI), {@code <table>/date=yyyy-MM-dd/}, as daily exports land: the layout incremental
   * runs read (docs/inputs.md); customers in one file.
   */
  static void writePartitioned(SampleGenerator.Tables t, String out) {
    writeByDate(t.transactions(), "occurred_at", out + "/transactions");
    writeByDate(t.cancellations(), "cancelled_at", out + "/cancellations");
    writeByDate(t.interactions(), "opened_at", out + "/interactions");
    write(t.customers().orderBy("customer_id"), out + "/customers", 1);
  }

  private static void writeByDate(Dataset<Row> df, String event, String path) {
    df.withColumn(PARTITION_COLUMN, to_date(col(event)))
        .repartition(col(PARTITION_COLUMN))
        .sortWithinPartitions(event)
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(PARTITION_COLUMN)
        .parquet(path);
  }

  private static void write(Dataset<Row> df, String path, int files) {
    df.coalesce(files).write().mode(SaveMode.Overwrite).parquet(path);
  }
}
