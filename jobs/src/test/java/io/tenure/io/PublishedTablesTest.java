package io.tenure.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An earlier run's table is reused only if that run computed it, with the same configuration and
 * the same Tenure version.
 */
@ExtendWith(SparkExtension.class)
class PublishedTablesTest {
  private static final LocalDate DAY = LocalDate.of(2024, 12, 30);

  @TempDir Path dir;

  @Test
  void aTableIsReusedOnlyIfThatRunComputedItWithTheSameConfigurationAndVersion(SparkSession spark)
      throws Exception {
    spark.range(3).write().parquet(dir.resolve("cells/as_of=" + DAY).toString());
    spark.range(2).write().parquet(dir.resolve("kept/as_of=" + DAY).toString());
    Files.createDirectories(dir.resolve("_manifests"));
    Files.writeString(
        dir.resolve("_manifests/as_of=" + DAY + ".json"),
        "{\"tenure_version\": \"1.2.0\", \"config_digest\": \"abc\", \"outputs\": {"
            + "\"cells\": {\"rows\": 3}, \"kept\": {\"rows\": 2, \"run_id\": \"earlier\"}}}");
    String root = dir.toString();

    assertThat(PublishedTables.computedBy(spark, root, DAY, "cells", "abc", "1.2.0"))
        .hasValueSatisfying(rows -> assertThat(rows.count()).isEqualTo(3));
    // Another version may define the table otherwise; another configuration computes another one.
    assertThat(PublishedTables.computedBy(spark, root, DAY, "cells", "abc", "1.3.0")).isEmpty();
    assertThat(PublishedTables.computedBy(spark, root, DAY, "cells", "abd", "1.2.0")).isEmpty();
    // Kept from an earlier run of the date (run --only), or not published at all.
    assertThat(PublishedTables.computedBy(spark, root, DAY, "kept", "abc", "1.2.0")).isEmpty();
    assertThat(PublishedTables.computedBy(spark, root, DAY, "other", "abc", "1.2.0")).isEmpty();
    assertThat(PublishedTables.computedBy(spark, root, DAY.minusDays(1), "cells", "abc", "1.2.0"))
        .isEmpty();
  }
}
