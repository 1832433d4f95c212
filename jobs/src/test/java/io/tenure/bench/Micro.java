package io.tenure.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.tenure.metrics.Outputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * Component measurements behind the choices in docs/benchmarks.md, on the raw transactions of one
 * generated scale (bench/micro): each pair is the way Tenure does it against the alternative, timed
 * in the same JVM, several repetitions, median reported.
 *
 * <p>Usage: {@code Micro [--scale M] [--reps 3] [--data bench/data]}.
 */
public final class Micro {
  private Micro() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = Benchmark.options(args);
    String scale = opts.getOrDefault("scale", "M");
    int reps = Integer.parseInt(opts.getOrDefault("reps", "3"));
    Path data = Path.of(opts.getOrDefault("data", "bench/data")).toAbsolutePath();
    Path tx = data.resolve(scale).resolve("transactions");
    if (!Files.exists(tx)) {
      throw new IllegalArgumentException("no data at " + tx + ": run bench/run --scales " + scale);
    }
    SparkSession spark = Benchmark.session();
    Path scratch = Files.createTempDirectory("tenure-micro");
    Dataset<Row> raw = spark.read().parquet(tx.toString());
    Dataset<Row> typed =
        raw.withColumn("amount", col("amount").cast("decimal(18,4)"))
            .withColumn("d", to_date(col("occurred_at")));
    Column purchase = col("kind").equalTo("purchase");

    Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
    cases.put(
        "keep 8 M rows: Spark cache DISK_ONLY (build + count)",
        () -> cached(raw, StorageLevel.DISK_ONLY()));
    cases.put(
        "keep 8 M rows: Spark cache MEMORY_AND_DISK (build + count)",
        () -> cached(raw, StorageLevel.MEMORY_AND_DISK()));
    cases.put(
        "keep 8 M rows: Parquet write + read back count",
        () -> {
          String out = scratch.resolve("kept").toString();
          raw.write().mode(SaveMode.Overwrite).parquet(out);
          return spark.read().parquet(out).where("amount > 0").count();
        });
    cases.put(
        "customer-day sums: decimal(18,4) amounts",
        () -> noop(customerDaySums(typed, amount -> amount)));
    cases.put(
        "customer-day sums: whole 1/10,000 units as longs",
        () -> noop(customerDaySums(typed, Outputs::units)));
    cases.put(
        "repeated ids: group by the id text",
        () -> noop(raw.groupBy("transaction_id").count().where("count > 1")));
    cases.put(
        "repeated ids: group by its 64-bit hash",
        () -> noop(raw.groupBy(xxhash64(col("transaction_id"))).count().where("count > 1")));
    cases.put(
        "first purchase: min(struct(time, id, channel))",
        () ->
            noop(
                raw.where(purchase)
                    .groupBy("customer_id")
                    .agg(min(struct(col("occurred_at"), col("transaction_id"), col("channel"))))));
    cases.put(
        "first purchase: min(time)",
        () -> noop(raw.where(purchase).groupBy("customer_id").agg(min(col("occurred_at")))));
    cases.put(
        "enum values: regexp_replace on every row",
        () ->
            noop(
                raw.select(
                        regexp_replace(lower(col("kind")), "[\\s-]+", "_").as("a"),
                        regexp_replace(lower(col("channel")), "[\\s-]+", "_").as("b"))
                    .agg(max("a"), max("b"))));
    cases.put(
        "enum values: lower only",
        () ->
            noop(
                raw.select(lower(col("kind")).as("a"), lower(col("channel")).as("b"))
                    .agg(max("a"), max("b"))));

    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int rep = 0; rep < reps; rep++) {
      for (Map.Entry<String, Supplier<Object>> c : cases.entrySet()) {
        long t0 = System.nanoTime();
        c.getValue().get();
        times
            .computeIfAbsent(c.getKey(), k -> new ArrayList<>())
            .add((System.nanoTime() - t0) / 1e9);
      }
    }
    StringBuilder report = new StringBuilder(Benchmark.machine()).append('\n');
    report.append("Scale ").append(scale).append(", ").append(reps).append(" repetitions\n\n");
    report.append("| case | median s | min s | max s |\n|---|---|---|---|\n");
    times.forEach(
        (name, t) -> {
          List<Double> s = t.stream().sorted().toList();
          report.append(
              String.format(
                  "| %s | %.1f | %.1f | %.1f |%n",
                  name, s.get(s.size() / 2), s.get(0), s.get(s.size() - 1)));
        });
    spark.stop();
    System.out.println(report);
  }

  /** Purchases, purchase money and refund money per customer and day, money as {@code money}. */
  private static Dataset<Row> customerDaySums(Dataset<Row> typed, UnaryOperator<Column> money) {
    Column purchase = col("kind").equalTo("purchase");
    return typed
        .groupBy("customer_id", "d")
        .agg(
            count(when(purchase, 1)),
            sum(when(purchase, money.apply(col("amount")))),
            sum(when(purchase.unary_$bang(), money.apply(col("amount")))));
  }

  private static Object noop(Dataset<Row> df) {
    df.write().format("noop").mode(SaveMode.Overwrite).save();
    return null;
  }

  private static Object cached(Dataset<Row> df, StorageLevel level) {
    Dataset<Row> c = df.select("*").persist(level);
    try {
      return c.count() + c.where("amount > 0").count();
    } finally {
      c.unpersist(true);
    }
  }
}
