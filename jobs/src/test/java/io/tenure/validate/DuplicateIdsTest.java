package io.tenure.validate;

import static io.tenure.testing.Rows.df;
import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.io.TypedInput;
import io.tenure.testing.SparkExtension;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class DuplicateIdsTest {
  private static final StructType RAW = new StructType().add("note", DataTypes.StringType);
  private static final StructType SCHEMA =
      new StructType()
          .add("row", DataTypes.StringType)
          .add("id", DataTypes.StringType)
          .add("at", DataTypes.TimestampType)
          .add(ValidatedInput.REASON, DataTypes.StringType)
          .add(TypedInput.RAW, RAW);

  private static Row row(String row, String id, String at, String reason) {
    return RowFactory.create(
        row, id, at == null ? null : ts(at), reason, RowFactory.create("source " + row));
  }

  private static Dataset<Row> rows(SparkSession spark) {
    return df(
        spark,
        SCHEMA,
        // id 1: the later copy is the duplicate
        row("a", "1", "2024-01-02T00:00:00Z", null),
        row("b", "1", "2024-01-01T00:00:00Z", null),
        // id 2: the usable row is kept although the bad one is earlier; the bad one keeps its
        // reason
        row("c", "2", "2024-01-01T00:00:00Z", "unknown_kind"),
        row("d", "2", "2024-01-05T00:00:00Z", null),
        // id 3: three copies, one without a time (ordered last)
        row("e", "3", null, null),
        row("f", "3", "2024-02-01T00:00:00Z", null),
        row("g", "3", "2024-02-03T00:00:00Z", null),
        // unique ids and missing ids are never duplicates
        row("h", "4", "2024-01-01T00:00:00Z", null),
        row("i", null, "2024-01-01T00:00:00Z", "missing_id"),
        row("j", null, "2024-01-01T00:00:00Z", "missing_id"));
  }

  private static final String[] EXPECTED = {
    "a | duplicate_id",
    "b | null",
    "c | unknown_kind",
    "d | null",
    "e | duplicate_id",
    "f | null",
    "g | duplicate_id",
    "h | null",
    "i | missing_id",
    "j | missing_id"
  };

  @Test
  void keepsTheUsableEarliestRowPerIdWithRepeatedIdsBroadcast(SparkSession spark) {
    Dataset<Row> marked = DuplicateIds.mark(rows(spark), "id", "at", 1_000);
    assertThat(sorted(marked.select("row", ValidatedInput.REASON))).containsExactly(EXPECTED);
  }

  @Test
  void sameResultWhenTooManyIdsRepeatToBroadcast(SparkSession spark) {
    Dataset<Row> marked = DuplicateIds.mark(rows(spark), "id", "at", 0);
    assertThat(sorted(marked.select("row", ValidatedInput.REASON))).containsExactly(EXPECTED);
  }

  @Test
  void tableWithoutRepeatedIdsIsReturnedAsIs(SparkSession spark) {
    Dataset<Row> unique = rows(spark).where("row in ('a', 'c', 'h', 'i')");
    assertThat(DuplicateIds.mark(unique, "id", "at")).isSameAs(unique);
  }
}
