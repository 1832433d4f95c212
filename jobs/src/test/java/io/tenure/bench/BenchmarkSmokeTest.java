package io.tenure.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the benchmark harness working (CI runs no real benchmark): the tiny scale, one repetition,
 * on the independent data shape (UniformShape: random-second purchases, string ids, refunds before
 * any purchase that Tenure quarantines). Its correctness gate is real: the naive Spark SQL and
 * DuckDB formulations must give Tenure's results, and the core-families run the full run's. The
 * generated shape is the sample generator's, whose results CrossCheckTest compares with an
 * independent SQL formulation; one shape keeps the suite's time down.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class BenchmarkSmokeTest {
  @Test
  void tinyScaleRunsAndEveryContenderAgreesWithTenure(SparkSession spark, @TempDir Path data)
      throws Exception {
    // The correctness runs are the timed repetition: the report's path, without running twice.
    String report = Benchmark.run(spark, "XS", "uniform", 1, data, true);
    assertThat(report)
        .contains("### Scale XS (uniform shape): 2,000 customers")
        .contains("| naive Spark SQL (3 core tables) |")
        .contains("| DuckDB (3 core tables) |")
        .doesNotContain("DIFFERENT");
    assertThat(report.lines().filter(l -> l.endsWith("| equal |")).count()).isEqualTo(3);
  }
}
