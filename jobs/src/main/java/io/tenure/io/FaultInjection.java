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
 * </ul>
 */
public final class FaultInjection {
  static final String HALT_AT = "tenure.fault.halt-at";
  static final String FAIL_TABLE = "tenure.fault.fail-table";

  private FaultInjection() {}

  /** Halts the JVM if the test switch names this point. */
  static void point(String name) {
    if (name.equals(System.getProperty(HALT_AT))) {
      System.err.println("tenure.fault.halt-at: halting at " + name);
      Runtime.getRuntime().halt(137);
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
