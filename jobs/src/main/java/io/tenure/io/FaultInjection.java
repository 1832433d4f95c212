package io.tenure.io;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Test-only switches (Java system properties, never configuration) that make a run fail at a real
 * point of the real code, for the fault-injection tests. Unset, they do nothing.
 *
 * <ul>
 *   <li>{@code tenure.fault.halt-at=<point>}: the driver JVM halts at once (like {@code kill -9}:
 *       no shutdown hooks, no clean-up) when it reaches the named point, e.g. {@code
 *       publish:moved-aside:churn_rates}.
 *   <li>{@code tenure.fault.fail-table=<table>}: every task that computes that output table throws
 *       on the executor, as a corrupt record or a bug in an expression would.
 *   <li>{@code tenure.fault.pause-at=<point>} with {@code tenure.fault.resume-file=<file>}: at the
 *       named point the run writes {@code <file>.paused} and waits until {@code <file>} exists, so
 *       that a test can act while a run is, e.g., publishing.
 * </ul>
 */
public final class FaultInjection {
  static final String HALT_AT = "tenure.fault.halt-at";
  static final String FAIL_TABLE = "tenure.fault.fail-table";
  static final String PAUSE_AT = "tenure.fault.pause-at";
  static final String RESUME_FILE = "tenure.fault.resume-file";

  private FaultInjection() {}

  /** Halts the JVM if the test switch names this point. */
  static void point(String name) {
    if (name.equals(System.getProperty(HALT_AT))) {
      System.err.println("tenure.fault.halt-at: halting at " + name);
      Runtime.getRuntime().halt(137);
    }
    if (name.equals(System.getProperty(PAUSE_AT))) {
      java.nio.file.Path resume = java.nio.file.Path.of(System.getProperty(RESUME_FILE));
      try {
        java.nio.file.Files.writeString(
            resume.resolveSibling(resume.getFileName() + ".paused"), name);
        while (!java.nio.file.Files.exists(resume)) {
          Thread.sleep(100);
        }
      } catch (java.io.IOException | InterruptedException e) {
        throw new IllegalStateException("tenure.fault.pause-at: " + e.getMessage(), e);
      }
    }
  }

  /** The rows of {@code table}, failing on the executors if the test switch names it. */
  static Dataset<Row> rows(String table, Dataset<Row> rows) {
    if (!table.equals(System.getProperty(FAIL_TABLE))) {
      return rows;
    }
    String first = rows.columns()[0];
    return rows.withColumn(
        first,
        when(
                functions.monotonically_increasing_id().geq(0),
                raise_error(lit("injected executor-side failure in " + table)))
            .otherwise(rows.col(first)));
  }
}
