package io.tenure.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.tenure.config.InputSettings;
import io.tenure.errors.Errors;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;

/**
 * The Spark SQL a user configures over source columns: {@code inputs.<table>.expressions} (computed
 * columns) and {@code inputs.<table>.filter} (rows to use). Each is checked against the source's
 * columns when the input is read, and a mistake is a configuration error naming its key.
 */
final class UserExpressions {
  private UserExpressions() {}

  /** Adds the columns that {@code inputs.<table>.expressions} computes from source columns. */
  static Dataset<Row> derive(Dataset<Row> source, InputSettings in, List<String> sourceColumns) {
    Dataset<Row> out = source;
    for (Map.Entry<String, String> e : in.expressions().entrySet()) {
      try {
        out = out.withColumn(InputSettings.derivedColumn(e.getKey()), expr(e.getValue()));
        out.schema();
      } catch (Exception ex) {
        throw Errors.badExpression(
            in.columnKey(e.getKey()), e.getValue(), String.join(", ", sourceColumns), ex);
      }
    }
    return out;
  }

  /**
   * Whether a row passes {@code inputs.<table>.filter} (a condition that is null counts as false,
   * as in SQL's WHERE); every row passes without a filter.
   */
  static Column rowFilter(Dataset<Row> raw, InputSettings in, List<String> rawColumns) {
    if (in.filter().isEmpty()) {
      return lit(true);
    }
    String condition = in.filter().get();
    DataType type;
    try {
      type = raw.select(expr(condition)).schema().fields()[0].dataType();
    } catch (Exception e) {
      throw Errors.badExpression(in.filterKey(), condition, String.join(", ", rawColumns), e);
    }
    if (!(type instanceof BooleanType)) {
      throw Errors.configKey(
          in.filterKey(),
          "the filter \""
              + condition
              + "\" is a "
              + type.simpleString()
              + ", not a condition; write one that is true for the rows to use, e.g."
              + " \"`Customer ID` IS NOT NULL\"");
    }
    return coalesce(expr(condition), lit(false));
  }
}
