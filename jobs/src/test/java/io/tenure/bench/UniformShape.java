package io.tenure.bench;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A second data shape, unlike Tenure's own generator, after an independent data set a reviewer
 * measured Tenure on (the performance issue): purchases at random seconds over the horizon (so a
 * daily base compresses almost nothing), customers assigned uniformly at random (Poisson-like
 * counts, some customers with none), string ids ({@code t123456}, {@code c98765}), amounts
 * DECIMAL(18,2), 4 % refunds drawn independently of purchases (so some precede any purchase and are
 * quarantined), handle time on every contact channel, cancellations at random times.
 *
 * <p>Per customer on average: 10 transactions, 2 interactions, 0.1 cancellations. Draws are hashes
 * of the seed and the row number, so the same arguments give the same data.
 */
record UniformShape(long customers, long seed, LocalDate start, int days) {

  private String u(String name, String key) {
    return "((pmod(xxhash64("
        + seed
        + "L, '"
        + name
        + "', "
        + key
        + "), 1000000007) + 0.5)"
        + " / 1000000007.0)";
  }

  /** A random instant in the horizon, to the second, from row key {@code key}. */
  private String instant(String name, String key) {
    return "timestamp_seconds(unix_seconds(timestamp'"
        + start
        + " 00:00:00') + cast(floor("
        + u(name, key)
        + " * "
        + (days * 86400L)
        + ") as bigint))";
  }

  private String customer(String name, String key) {
    return "concat('c', cast(floor(" + u(name, key) + " * " + customers + ") as bigint))";
  }

  void write(SparkSession spark, String out) {
    Dataset<Row> transactions =
        spark
            .range(customers * 10)
            .selectExpr(
                "concat('t', id) as transaction_id",
                customer("tc", "id") + " as customer_id",
                instant("tt", "id") + " as occurred_at",
                "cast(round(5 + " + u("ta", "id") + " * 195, 2) as decimal(18,2)) as amount",
                "cast(null as string) as currency",
                "case when " + u("tk", "id") + " < 0.04 then 'refund' else 'purchase' end as kind",
                "element_at(array('web', 'app', 'store'), cast(floor("
                    + u("tch", "id")
                    + " * 3) as int) + 1) as channel");
    Dataset<Row> cancellations =
        spark
            .range(customers / 10)
            .selectExpr(
                customer("cc", "id") + " as customer_id",
                instant("ct", "id") + " as cancelled_at",
                "case when "
                    + u("ck", "id")
                    + " < 0.8 then 'voluntary' else 'involuntary' end as kind",
                "element_at(array('price', 'service', 'moved', 'other'), cast(floor("
                    + u("cr", "id")
                    + " * 4) as int) + 1) as reason");
    String channel =
        "element_at(array('phone', 'email', 'chat', 'self_service'), cast(floor("
            + u("ich", "id")
            + " * 4) as int) + 1)";
    Dataset<Row> interactions =
        spark
            .range(customers * 2)
            .selectExpr(
                "concat('i', id) as interaction_id",
                customer("ic", "id") + " as customer_id",
                channel + " as channel",
                "element_at(array('billing', 'delivery', 'product', 'technical', 'complaint'),"
                    + " cast(floor("
                    + u("icat", "id")
                    + " * 5) as int) + 1) as category",
                instant("io", "id") + " as opened_at",
                "cast(30 + " + u("ir", "id") + " * 7200 as bigint) as response_s",
                "cast(60 + " + u("il", "id") + " * 172800 as bigint) as close_s",
                "cast(round(30 + " + u("ih", "id") + " * 1800, 1) as double) as handle_seconds",
                "concat('a', cast(floor(" + u("ia", "id") + " * 200) as int)) as agent_id",
                u("ires", "id") + " < 0.8 as resolved",
                "case when "
                    + u("ics", "id")
                    + " < 0.3 then cast(floor("
                    + u("icv", "id")
                    + " * 5) as int) + 1 end as csat",
                "case when "
                    + u("ins", "id")
                    + " < 0.2 then cast(floor("
                    + u("inv", "id")
                    + " * 11) as int) end as nps")
            .selectExpr(
                "interaction_id",
                "customer_id",
                "channel",
                "category",
                "opened_at",
                "case when channel != 'self_service' then opened_at + make_interval(0, 0, 0, 0, 0,"
                    + " 0, response_s) end as first_response_at",
                "opened_at + make_interval(0, 0, 0, 0, 0, 0, close_s) as closed_at",
                "handle_seconds",
                "agent_id",
                "resolved",
                "csat",
                "nps");
    Dataset<Row> customerTable =
        spark
            .range(customers)
            .selectExpr(
                "concat('c', id) as customer_id",
                instant("cs", "id") + " as signup_at",
                "element_at(array('consumer', 'business'), cast(floor("
                    + u("cseg", "id")
                    + " * 2) as int) + 1) as segment",
                "element_at(array('DE', 'FR', 'GB', 'US', 'NL'), cast(floor("
                    + u("cco", "id")
                    + " * 5) as int) + 1) as country");
    int files = (int) Math.max(1, customers / 100_000);
    save(transactions, out + "/transactions", files);
    save(cancellations, out + "/cancellations", 1);
    save(interactions, out + "/interactions", files);
    save(customerTable, out + "/customers", files);
  }

  private static void save(Dataset<Row> df, String path, int files) {
    df.repartition(files).write().mode(SaveMode.Overwrite).parquet(path);
  }
}
