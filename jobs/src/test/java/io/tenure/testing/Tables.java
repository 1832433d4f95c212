package io.tenure.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.holdenkarau.spark.testing.DataFrameSuiteBase$;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * Table comparisons with spark-testing-base: rows in any order, doubles within an absolute
 * tolerance ({@code DataFrameSuiteBase.approxEquals}). Its suite base classes are not used: they
 * own the SparkContext's lifecycle, where Tenure's tests share one session (SparkExtension).
 */
public final class Tables {
  private Tables() {}

  /**
   * Asserts that both tables hold the same rows, in any order, with doubles equal within {@code
   * tolerance}. Columns are compared by position; rows are matched after sorting by every column,
   * so the leading columns should identify a row.
   */
  public static void assertApproximatelyEqual(
      Dataset<Row> expected, Dataset<Row> actual, double tolerance) {
    List<Row> e = sortedRows(expected);
    List<Row> a = sortedRows(actual);
    assertThat(a).as("row count").hasSameSizeAs(e);
    for (int i = 0; i < e.size(); i++) {
      if (!DataFrameSuiteBase$.MODULE$.approxEquals(e.get(i), a.get(i), tolerance)) {
        fail(
            "row %d differs beyond %s:%n expected %s%n actual   %s",
            i, tolerance, e.get(i), a.get(i));
      }
    }
  }

  private static List<Row> sortedRows(Dataset<Row> df) {
    Column[] all =
        Arrays.stream(df.columns())
            .map(c -> functions.col("`" + c.replace("`", "``") + "`"))
            .toArray(Column[]::new);
    return df.orderBy(all).collectAsList();
  }
}
