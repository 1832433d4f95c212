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
}
