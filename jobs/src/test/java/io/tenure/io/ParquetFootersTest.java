package io.tenure.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Which files under a path hold data, and how many rows their footers count. */
@ExtendWith(SparkExtension.class)
class ParquetFootersTest {
  @TempDir Path dir;

  @Test
  void dataFilesSkipOnlyHiddenNamesBelowThePathNotAboveIt(SparkSession spark) throws Exception {
    // The path itself lies under folders named like Spark's hidden ones (a staging area, a
    // dot-folder): that must not hide its files.
    Path table = dir.resolve("_staging/.lake/transactions");
    spark.range(5).repartition(2).write().parquet(table.resolve("date=2024-01-01").toString());
    Files.createDirectories(table.resolve("_temporary/0"));
    Files.writeString(table.resolve("_temporary/0/part-x.parquet"), "half-written");
    Files.writeString(table.resolve(".part-y.parquet.crc"), "checksum");

    List<String> files =
        ParquetFooters.dataFiles(table.toString(), spark.sparkContext().hadoopConfiguration());

    assertThat(files).hasSize(2).allMatch(f -> f.contains("/date=2024-01-01/part-"));
    assertThat(ParquetFooters.rows(files, spark.sparkContext().hadoopConfiguration())).isEqualTo(5);
  }
}
