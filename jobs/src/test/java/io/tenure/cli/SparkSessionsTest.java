package io.tenure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** Precedence of a new session's settings: spark-submit, then tenure.spark.conf, then defaults. */
class SparkSessionsTest {
  private static SparkConf submitted(String... keyValues) {
    SparkConf conf = new SparkConf(false);
    for (int i = 0; i < keyValues.length; i += 2) {
      conf.set(keyValues[i], keyValues[i + 1]);
    }
    return conf;
  }

  @Test
  void runDirectlyTenureSetsALocalMasterAndItsDefaults() {
    Map<String, String> s = SparkSessions.settings(submitted(), Map.of());
    assertThat(s)
        .containsEntry("spark.master", "local[*]")
        .containsEntry("spark.sql.adaptive.enabled", "true")
        .containsEntry(SparkSessions.HUGE_METHOD_LIMIT, "8000")
        .containsKey(SparkSessions.MIN_PARTITION_NUM)
        .containsEntry("spark.sql.session.timeZone", "UTC")
        .containsKey("spark.sql.shuffle.partitions");
  }

  @Test
  void spark_submitWinsOverTenureSparkConfWhichWinsOverTheDefaults() {
    Map<String, String> s =
        SparkSessions.settings(
            submitted("spark.master", "yarn", SparkSessions.HUGE_METHOD_LIMIT, "65535"),
            Map.of(
                SparkSessions.HUGE_METHOD_LIMIT,
                "16000",
                "spark.sql.adaptive.enabled",
                "false",
                "spark.sql.shuffle.partitions",
                "400"));
    // Left to the session, which reads spark-submit's values itself; on a cluster AQE coalesces.
    assertThat(s)
        .doesNotContainKeys(
            "spark.master", SparkSessions.HUGE_METHOD_LIMIT, SparkSessions.MIN_PARTITION_NUM);
    assertThat(s)
        .containsEntry("spark.sql.adaptive.enabled", "false")
        .containsEntry("spark.sql.shuffle.partitions", "400");
  }

  @Test
  void resultsDependOnTheTimeZoneSoNoSettingChangesIt() {
    Map<String, String> s =
        SparkSessions.settings(
            submitted("spark.master", "local[2]"), Map.of("spark.sql.session.timeZone", "CET"));
    assertThat(s).containsEntry("spark.sql.session.timeZone", "UTC");
  }
}
