package io.tenure.pipeline;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names each stage in the Spark UI and the log (e.g. {@code churn_rates:write}). */
final class Stages {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private Stages() {}

  static <T> T run(SparkSession spark, String stage, String description, Supplier<T> body) {
    spark.sparkContext().setJobGroup("tenure:" + stage, description, false);
    long start = System.nanoTime();
    try {
      T result = body.get();
      LOG.info("{} done in {} ms", stage, (System.nanoTime() - start) / 1_000_000);
      return result;
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }
}
