package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.ConfigLoader;
import io.tenure.config.PrivacySettings;
import io.tenure.config.TenureSettings;
import io.tenure.io.Pseudonymiser;
import io.tenure.testing.SparkExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Customer ids in per-customer outputs are HMAC-SHA256 pseudonyms; the key appears nowhere. */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class PseudonymisationTest {
  private static final String KEY = "correct horse battery staple";

  /** The reference: HMAC-SHA256 as RFC 2104 defines it, through the JDK. */
  private static String hmac(String id) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(id.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void rfc4231TestCaseTwo() throws Exception {
    // RFC 4231 section 4.3: key "Jefe", data "what do ya want for nothing?".
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("Jefe".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    assertThat(
            HexFormat.of()
                .formatHex(
                    mac.doFinal("what do ya want for nothing?".getBytes(StandardCharsets.UTF_8))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void theKeyIsNotInTheQueryPlan(SparkSession spark) throws Exception {
    Pseudonymiser p =
        Pseudonymiser.from(new PrivacySettings(true, "ANY"), name -> KEY).orElseThrow();
    Dataset<Row> ids =
        spark
            .createDataset(java.util.Arrays.asList("17850", null), Encoders.STRING())
            .toDF("id")
            .select(p.apply(col("id")).as("id"));
    assertThat(ids.collectAsList().stream().map(r -> r.getString(0)).toList())
        .containsExactly(hmac("17850"), null);
    assertThat(ids.queryExecution().toString()).contains("pseudonym").doesNotContain(KEY);
  }

  @Test
  void perCustomerOutputsAndQuarantineCarryPseudonyms(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Files.writeString(
        dir.resolve("tx.csv"),
        "customer_id,occurred_at,amount\n"
            + "c1,2024-01-05T10:00:00Z,10\nc2,2024-01-06T10:00:00Z,12\n"
            + "c1,2024-02-05T10:00:00Z,10\nc2,not a date,12\n");
    Files.writeString(
        dir.resolve("contacts.csv"),
        "customer_id,channel,opened_at,handle_seconds\n"
            + "c1,phone,2024-01-07T10:00:00Z,300\nc2,chat,2024-01-08T10:00:00Z,120\n");
    Path conf = dir.resolve("t.conf");
    Files.writeString(
        conf,
        "tenure {\n inputs.transactions { path = \""
            + dir.resolve("tx.csv")
            + "\", format = csv }\n inputs.interactions { path = \""
            + dir.resolve("contacts.csv")
            + "\", format = csv }\n output.path = \""
            + dir.resolve("out")
            + "\"\n quality.max-quarantined-fraction = 0.5\n"
            + " privacy { pseudonymise-customer-ids = true, secret-env = TEST_KEY }\n}\n");
    TenureSettings settings = ConfigLoader.load(conf.toFile(), Map.of());
    RunResult result =
        new TenureJob(spark, settings, Set.of(), name -> name.equals("TEST_KEY") ? KEY : null)
            .execute();

    Path out = dir.resolve("out");
    List<String> ids =
        spark
            .read()
            .parquet(out.resolve("customer_time_with_customer/as_of=2024-02-05").toString())
            .where("measure = 'handle'")
            .select("customer_id")
            .as(Encoders.STRING())
            .collectAsList()
            .stream()
            .sorted()
            .toList();
    assertThat(ids).containsExactlyInAnyOrder(hmac("c1"), hmac("c2"));

    Row quarantined =
        spark.read().parquet(out.resolve("quarantine/as_of=2024-02-05").toString()).first();
    assertThat(quarantined.getString(quarantined.fieldIndex("row_json")))
        .contains("\"customer_id\":\"" + hmac("c2") + "\"")
        .doesNotContain("\"c2\"")
        .contains("not a date");

    String manifest = Files.readString(Path.of(result.manifest()));
    assertThat(manifest).doesNotContain(KEY);
  }

  /**
   * With customer_id computed by an expression, every source column it reads is replaced in the
   * quarantine too: no part of a clear id is left.
   */
  @Test
  void anIdComputedByAnExpressionLeavesNoClearSourceColumnInTheQuarantine(
      SparkSession spark, @TempDir Path dir) throws Exception {
    Files.writeString(
        dir.resolve("tx.csv"),
        "shop,client no,occurred_at,amount\n"
            + "s1,17850,2024-01-05T10:00:00Z,10\ns1,13047,2024-01-06T10:00:00Z,12\n"
            + "s1,17850,2024-02-05T10:00:00Z,10\ns1,13047,not a date,12\n");
    Path conf = dir.resolve("t.conf");
    Files.writeString(
        conf,
        "tenure {\n inputs.transactions { path = \""
            + dir.resolve("tx.csv")
            + "\", format = csv, expressions { customer_id = \"concat(shop, '-', `client no`)\" } }\n"
            + " output.path = \""
            + dir.resolve("out")
            + "\"\n quality.max-quarantined-fraction = 0.5\n"
            + " privacy { pseudonymise-customer-ids = true, secret-env = TEST_KEY }\n}\n");
    TenureSettings settings = ConfigLoader.load(conf.toFile(), Map.of());
    new TenureJob(spark, settings, Set.of(), name -> name.equals("TEST_KEY") ? KEY : null)
        .execute();
    Row quarantined =
        spark.read().parquet(dir.resolve("out/quarantine/as_of=2024-02-05").toString()).first();
    assertThat(quarantined.getString(quarantined.fieldIndex("row_json")))
        .doesNotContain("13047")
        .contains("\"client no\":\"" + hmac("13047") + "\"")
        .contains("\"shop\":\"" + hmac("s1") + "\"")
        .contains(hmac("s1-13047"))
        .contains("not a date");
  }
}
