package io.tenure.pipeline;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Names each stage in the Spark UI and the log (e.g. {@code churn_rates:write}), logs its duration
 * when it ends, and while a stage runs longer than the progress interval, logs every interval that
 * it is still running with Spark's task counts, so that a long run shows where it is.
 */
final class Stages {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private static final ScheduledExecutorService TICKER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "tenure-progress");
            t.setDaemon(true);
            return t;
          });

  /** Set once per run from {@code tenure.log.progress-interval}; zero turns progress off. */
  static volatile Duration progressInterval = Duration.ofMinutes(1);

  private Stages() {}

  static <T> T run(SparkSession spark, String stage, String description, Supplier<T> body) {
    spark.sparkContext().setJobGroup("tenure:" + stage, description, false);
    long start = System.nanoTime();
    Duration every = progressInterval;
    ScheduledFuture<?> ticks =
        every.isZero()
            ? null
            : TICKER.scheduleAtFixedRate(
                () ->
                    LOG.info(
                        "{} running for {} s{}",
                        stage,
                        (System.nanoTime() - start) / 1_000_000_000,
                        sparkProgress(spark)),
                every.toMillis(),
                every.toMillis(),
                TimeUnit.MILLISECONDS);
    try {
      T result = body.get();
      LOG.info("{} done in {} ms", stage, (System.nanoTime() - start) / 1_000_000);
      return result;
    } finally {
      if (ticks != null) {
        ticks.cancel(false);
      }
      spark.sparkContext().clearJobGroup();
    }
  }

  /** The completed and total tasks of Spark's active stages, e.g. " (Spark: 37 of 64 tasks)". */
  static String sparkProgress(SparkSession spark) {
    SparkStatusTracker tracker = spark.sparkContext().statusTracker();
    long done = 0;
    long total = 0;
    for (int id : tracker.getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = tracker.getStageInfo(id);
      if (info.isDefined()) {
        done += info.get().numCompletedTasks();
        total += info.get().numTasks();
      }
    }
    return total == 0 ? "" : " (Spark: " + done + " of " + total + " tasks)";
  }
}
