package io.tenure.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class WorkAreaTest {
  private static final LocalDate AS_OF = LocalDate.of(2024, 6, 30);

  /** A work directory as a killed run leaves it: some data, maybe its as-of date. */
  private static Path leftBehind(Path staging, String name, String asOf, Instant modified)
      throws Exception {
    Path dir = Files.createDirectories(staging.resolve(name).resolve("transactions"));
    Files.writeString(dir.resolve("part-0.parquet"), "x");
    if (asOf != null) {
      Files.writeString(staging.resolve(name).resolve("_as_of"), asOf);
    }
    Files.setLastModifiedTime(staging.resolve(name), FileTime.from(modified));
    return staging.resolve(name);
  }

  @Test
  void removesItsOwnFilesAndWhatKilledRunsOfTheSameDateOrLongAgoLeft(
      SparkSession spark, @TempDir Path out) throws Exception {
    Path staging = out.resolve(OutputWriter.STAGING);
    Instant now = Instant.now();
    Path sameDate = leftBehind(staging, "_work-aaaa", AS_OF.toString(), now);
    Path otherDate = leftBehind(staging, "_work-bbbb", "2024-07-01", now);
    Path undatedRecent = leftBehind(staging, "_work-cccc", null, now);
    Path undatedOld = leftBehind(staging, "_work-dddd", null, now.minus(25, ChronoUnit.HOURS));
    Path otherRun = Files.createDirectories(staging.resolve("2024-06-30-eeee"));
    Files.setLastModifiedTime(otherRun, FileTime.from(now.minus(30, ChronoUnit.HOURS)));

    try (WorkArea work = new WorkArea(spark, out.toString())) {
      assertThat(work.keep("numbers", spark.range(5).toDF()).count()).isEqualTo(5);
      work.dated(AS_OF);
      assertThat(sameDate).doesNotExist();
      assertThat(otherDate).exists();
    }

    assertThat(undatedOld).doesNotExist();
    assertThat(otherDate).exists();
    assertThat(undatedRecent).exists();
    // Run staging directories belong to OutputWriter.recover, not to the work area.
    assertThat(otherRun).exists();
    try (var left = Files.list(staging)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("_work-bbbb", "_work-cccc", "2024-06-30-eeee");
    }
  }

  @Test
  void anEmptyStagingDirectoryIsRemovedWithTheWorkFiles(SparkSession spark, @TempDir Path out) {
    try (WorkArea work = new WorkArea(spark, out.toString())) {
      work.keep("numbers", spark.range(3).toDF());
      assertThat(out.resolve(OutputWriter.STAGING)).isDirectory();
    }
    assertThat(out.resolve(OutputWriter.STAGING)).doesNotExist();
  }
}
