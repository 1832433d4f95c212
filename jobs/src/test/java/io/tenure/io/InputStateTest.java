package io.tenure.io;

import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.TableKind;
import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incremental state's version files name its directories relative to the state, so that an
 * output moved elsewhere keeps a state its next run can read; versions that name them absolutely
 * (written before) are read as they are.
 */
@ExtendWith(SparkExtension.class)
class InputStateTest {

  @Test
  void aMovedOutputKeepsAReadableState(SparkSession spark, @TempDir Path tmp) throws Exception {
    Path before = tmp.resolve("before");
    InputState state = new InputState(spark, before.toString());
    Dataset<Row> rows = spark.range(5).toDF("n");
    Map<String, String> months = state.write(TableKind.TRANSACTIONS, "r1", rows, lit("2024-01"));
    String judged = state.writeJudged("spells", "r1", spark.range(3).toDF("n"));
    state.publish(
        new InputState.Version(
            "2024-01-31",
            "r1",
            "fingerprint",
            Map.of(
                "transactions",
                new InputState.Table(
                    "date",
                    List.of(),
                    Map.of(
                        "2024-01-31",
                        new InputState.Partition(months.get("2024-01"), Map.of("f", 1L), false)))),
            Map.of("spells", judged)),
        3);
    String file = Files.readString(before.resolve("_state/_versions/2024-01-31.json"));
    assertThat(file)
        .contains("\"transactions/run=r1/p=2024-01\"", "\"judged/run=r1/spells\"")
        .doesNotContain(before.toString());

    Path after = tmp.resolve("after");
    Files.move(before, after);
    InputState.Version moved =
        new InputState(spark, after.toString()).latestBefore(LocalDate.of(2024, 2, 1)).get();
    String dir = moved.tables().get("transactions").partitions().get("2024-01-31").dir();
    assertThat(dir).startsWith(after.toString());
    assertThat(spark.read().parquet(dir).count()).isEqualTo(5);
    assertThat(spark.read().parquet(moved.judged("spells").get()).count()).isEqualTo(3);

    // A version written before (absolute names) is read as it is. (Rewritten by hand: without
    // Hadoop's checksum file, which would no longer match.)
    String absolute = after.resolve("_state/judged/run=r1/spells").toString();
    Files.deleteIfExists(after.resolve("_state/_versions/.2024-01-31.json.crc"));
    Files.writeString(
        after.resolve("_state/_versions/2024-01-31.json"),
        file.replace("\"judged/run=r1/spells\"", "\"" + absolute + "\""));
    assertThat(
            new InputState(spark, after.toString())
                .latestBefore(LocalDate.of(2024, 2, 1))
                .get()
                .judged("spells"))
        .contains(absolute);
  }

  @Test
  void daysNoKeptVersionNamesAreRemovedFromRunsStillInUse(SparkSession spark, @TempDir Path tmp)
      throws Exception {
    // Run 1 writes two days; run 2 reads the second again. With one version kept, run 1's
    // directory stays for the first day only, and another table's day of the same name stays.
    InputState state = new InputState(spark, tmp.toString());
    Dataset<Row> days =
        spark
            .range(4)
            .selectExpr("id as n", "concat('2024-01-0', cast(id % 2 + 1 as string)) as d");
    Map<String, String> first =
        state.write(TableKind.TRANSACTIONS, "r1", days, org.apache.spark.sql.functions.col("d"));
    Map<String, String> other =
        state.write(TableKind.INTERACTIONS, "r1", days, org.apache.spark.sql.functions.col("d"));
    state.publish(version("2024-01-02", "r1", first, other), 1);
    Map<String, String> second =
        state.write(
            TableKind.TRANSACTIONS,
            "r2",
            days.where("d = '2024-01-02'"),
            org.apache.spark.sql.functions.col("d"));
    Map<String, String> now =
        Map.of("2024-01-01", first.get("2024-01-01"), "2024-01-02", second.get("2024-01-02"));
    state.publish(version("2024-01-03", "r2", now, other), 1);

    Path runs = tmp.resolve("_state/transactions");
    assertThat(runs.resolve("run=r1/p=2024-01-01")).exists();
    assertThat(runs.resolve("run=r1/p=2024-01-02")).doesNotExist();
    assertThat(runs.resolve("run=r2/p=2024-01-02")).exists();
    assertThat(tmp.resolve("_state/interactions/run=r1/p=2024-01-02")).exists();
    assertThat(tmp.resolve("_state/_versions/2024-01-02.json")).doesNotExist();
    InputState.Version kept = state.latestBefore(LocalDate.of(2024, 1, 4)).get();
    for (InputState.Table t : kept.tables().values()) {
      for (InputState.Partition p : t.partitions().values()) {
        assertThat(spark.read().parquet(p.dir()).count()).isEqualTo(2);
      }
    }
  }

  private static InputState.Version version(
      String asOf,
      String runId,
      Map<String, String> transactions,
      Map<String, String> interactions) {
    return new InputState.Version(
        asOf,
        runId,
        "fingerprint",
        Map.of(
            "transactions", table(transactions),
            "interactions", table(interactions)),
        Map.of());
  }

  private static InputState.Table table(Map<String, String> dirs) {
    Map<String, InputState.Partition> partitions = new java.util.TreeMap<>();
    dirs.forEach((day, dir) -> partitions.put(day, new InputState.Partition(dir, Map.of(), false)));
    return new InputState.Table("date", List.of(), partitions);
  }
}
