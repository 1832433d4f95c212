package io.tenure.pipeline;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.types.StructType;

/**
 * An output table's contract: its name, its columns (names, types and order, as docs/tables.md
 * lists them), the columns that identify a row within one as-of date, and a one-line description.
 * The runner refuses to stage rows of another shape; a test holds the docs to the same schema.
 *
 * @param files the number of Parquet files written per as-of date (0 = as Spark partitions them)
 */
public record OutputTable(
    String name, StructType schema, List<String> key, String description, int files) {

  public OutputTable {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(schema, "schema");
    key = List.copyOf(key);
    Objects.requireNonNull(description, "description");
  }

  /** A table of small aggregates, written as one file. */
  public static OutputTable of(String name, String ddl, List<String> key, String description) {
    return new OutputTable(name, StructType.fromDDL(ddl), key, description, 1);
  }

  /** The same table written as Spark partitions it (large per-customer tables). */
  public OutputTable partitioned() {
    return new OutputTable(name, schema, key, description, 0);
  }

  /** "name type, ..." for messages: the declared columns in order. */
  public static String describe(StructType schema) {
    return String.join(
        ", ",
        java.util.Arrays.stream(schema.fields())
            .map(f -> f.name() + " " + f.dataType().simpleString())
            .toList());
  }
}
