package io.tenure.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenure.errors.ExitCode;
import io.tenure.errors.TenureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  static final String MINIMAL =
      "tenure { inputs.transactions.path = \"/data/tx\"\n output.path = \"/data/out\" }\n";

  private static Path write(Path dir, String text) throws Exception {
    Path f = dir.resolve("app.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsFillEverythingNotGiven(@TempDir Path dir) throws Exception {
    TenureSettings s = ConfigLoader.load(write(dir, MINIMAL).toFile(), Map.of());
    assertThat(s.grain()).isEqualTo(Grain.MONTH);
    assertThat(s.zone()).isEqualTo(ZoneId.of("UTC"));
    assertThat(s.churn().inactivityDays()).isEqualTo(90);
    assertThat(s.churn().denominator()).isEqualTo(ChurnDenominator.START);
    assertThat(s.has(TableKind.CANCELLATIONS)).isFalse();
    assertThat(s.input(TableKind.TRANSACTIONS).orElseThrow().format()).isEqualTo("parquet");
    assertThat(s.asOf()).isEmpty();
  }

  /** A saved churn model is reused only under the settings that decide it (ModelStore.find). */
  @Test
  void theModelFingerprintFollowsWhatDecidesTheModelOnly(@TempDir Path dir) throws Exception {
    java.io.File f = write(dir, MINIMAL).toFile();
    String base = fingerprint(f, Map.of());
    assertThat(ConfigLoader.load(f, Map.of()).churnRisk().retrainEvery()).isEqualTo(Grain.DAY);
    assertThat(fingerprint(f, Map.of("churn-risk.retrain-every", "week"))).isEqualTo(base);
    assertThat(fingerprint(f, Map.of("churn-risk.model-path", "/m"))).isEqualTo(base);
    assertThat(fingerprint(f, Map.of("periods.grain", "week"))).isEqualTo(base);
    assertThat(fingerprint(f, Map.of("log.progress-interval", "5m"))).isEqualTo(base);
    assertThat(fingerprint(f, Map.of("churn-risk.max-iterations", "40"))).isNotEqualTo(base);
    assertThat(fingerprint(f, Map.of("churn-risk.max-training-examples", "null")))
        .isNotEqualTo(base);
    assertThat(fingerprint(f, Map.of("churn.inactivity-days", "30"))).isNotEqualTo(base);
    assertThat(fingerprint(f, Map.of("time.zone", "Europe/Berlin"))).isNotEqualTo(base);
    assertThat(fingerprint(f, Map.of("inputs.transactions.path", "/data/tx2"))).isNotEqualTo(base);
    assertThat(fingerprint(f, Map.of("service.driver-lookback-days", "30"))).isNotEqualTo(base);
  }

  private static String fingerprint(java.io.File f, Map<String, String> overrides)
      throws Exception {
    return ConfigLoader.load(f, overrides).churnRisk().fingerprint();
  }

  @Test
  void overridesWinOverTheFile(@TempDir Path dir) throws Exception {
    TenureSettings s =
        ConfigLoader.load(
            write(dir, MINIMAL).toFile(),
            Map.of("periods.grain", "week", "tenure.churn.inactivity-days", "30"));
    assertThat(s.grain()).isEqualTo(Grain.WEEK);
    assertThat(s.churn().inactivityDays()).isEqualTo(30);
  }

  /** A driver in cluster mode reads its configuration from shared storage through Hadoop. */
  @Test
  void theConfigurationIsReadFromAHadoopUri(@TempDir Path dir) throws Exception {
    Path f = write(dir, MINIMAL + "tenure.churn.inactivity-days = 45\n");
    String uri = f.toUri().toString();
    assertThat(uri).startsWith("file:/");

    TenureSettings s = ConfigLoader.load(uri, Map.of("periods.grain", "week"));

    assertThat(s.churn().inactivityDays()).isEqualTo(45);
    assertThat(s.grain()).isEqualTo(Grain.WEEK);
    assertThatThrownBy(() -> ConfigLoader.load(uri + ".missing", Map.of()))
        .hasMessageContaining("Configuration file not found: " + uri + ".missing");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    write(dir, MINIMAL + "tenure.x = 1\n").toUri().toString(), Map.of()))
        .hasMessageContaining("at key 'tenure.x': unknown key");
  }

  @Test
  void percentilesAreExactUnlessAnAccuracyIsGiven(@TempDir Path dir) throws Exception {
    Path f = write(dir, MINIMAL);
    String key = "time-with-customer.percentile-accuracy";
    assertThat(ConfigLoader.load(f.toFile(), Map.of()).timeWithCustomer().percentileAccuracy())
        .isEmpty();
    assertThat(
            ConfigLoader.load(f.toFile(), Map.of(key, "10000"))
                .timeWithCustomer()
                .percentileAccuracy())
        .hasValue(10000);
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of(key, "50")))
        .hasMessageContaining("percentile-accuracy must be exact or at least 100, got 50");
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of(key, "exactly")))
        .hasMessageContaining("tenure.time-with-customer.percentile-accuracy");
  }

  @Test
  void unknownKeyIsRejectedWithFileAndKey(@TempDir Path dir) throws Exception {
    Path f = write(dir, MINIMAL + "tenure.churn.inactivity-dayz = 30\n");
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of()))
        .isInstanceOf(TenureException.class)
        .hasMessage(
            "Configuration error in "
                + f
                + " at key 'tenure.churn.inactivity-dayz': unknown key"
                + " (misspelt?). The valid keys are listed in conf/application.conf")
        .extracting(e -> ((TenureException) e).exitCode())
        .isEqualTo(ExitCode.USAGE);
  }

  @Test
  void impossibleValuesNameTheKey(@TempDir Path dir) throws Exception {
    Path f = write(dir, MINIMAL);
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of("churn.inactivity-days", "-5")))
        .hasMessage(
            "Configuration error in "
                + f
                + " at key 'tenure.churn.inactivity-days': inactivity-days must be at"
                + " least 1, got -5");
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of("periods.grain", "year")))
        .hasMessage(
            "Configuration error in "
                + f
                + " at key 'tenure.periods.grain': invalid value"
                + " 'year': unknown period grain 'year'; expected one of day, week, month,"
                + " quarter");
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of("time.zone", "Mars/Olympus")))
        .hasMessageStartingWith(
            "Configuration error in "
                + f
                + " at key 'tenure.time.zone': invalid value"
                + " 'Mars/Olympus'");
  }

  @Test
  void transactionsOrInteractionsAreRequiredAndSignupNeedsCustomers(@TempDir Path dir)
      throws Exception {
    Path f = write(dir, "tenure.output.path = \"/out\"\n");
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of()))
        .hasMessage(
            "Configuration error in "
                + f
                + " at key 'tenure.inputs.transactions.path': set the path of the transactions"
                + " input (cohorts, churn) or of the interactions input (service tables), or"
                + " both");
    Path g = write(dir, MINIMAL + "tenure.cohort.anchor = signup\n");
    assertThatThrownBy(() -> ConfigLoader.load(g.toFile(), Map.of()))
        .hasMessage(
            "Configuration error in "
                + g
                + " at key 'tenure.cohort.anchor': 'signup' needs the"
                + " customers input (tenure.inputs.customers.path); configure it or use"
                + " first-purchase");
  }

  @Test
  void theTrainingSampleIsACapOrNull(@TempDir Path dir) throws Exception {
    java.io.File f = write(dir, MINIMAL).toFile();
    assertThat(ConfigLoader.load(f, Map.of()).churnRisk().maxTrainingExamples()).contains(250_000);
    assertThat(
            ConfigLoader.load(f, Map.of("churn-risk.max-training-examples", "null"))
                .churnRisk()
                .maxTrainingExamples())
        .isEmpty();
    assertThatThrownBy(() -> ConfigLoader.load(f, Map.of("churn-risk.max-training-examples", "0")))
        .isInstanceOf(TenureException.class)
        .hasMessageContaining("max-training-examples must be at least 1");
  }

  @Test
  void requiredEnvironmentSubstitutionFailsWithItsName(@TempDir Path dir) throws Exception {
    Path f =
        write(
            dir,
            "tenure { inputs.transactions.path = ${TENURE_TEST_UNSET_VAR}\n"
                + " output.path = \"/out\" }\n");
    assertThatThrownBy(() -> ConfigLoader.load(f.toFile(), Map.of()))
        .isInstanceOf(TenureException.class)
        .hasMessageContaining("TENURE_TEST_UNSET_VAR");
  }

  @Test
  void shippedConfigurationsLoad() {
    String root = System.getProperty("tenure.repo.root", "..");
    for (String name : new String[] {"application.conf", "production.example.conf"}) {
      TenureSettings s =
          ConfigLoader.load(
              new java.io.File(root + "/conf/" + name),
              Map.of("base-dir", root, "inputs.transactions.path", "/x"));
      assertThat(s.has(TableKind.TRANSACTIONS)).as(name).isTrue();
    }
  }

  @Test
  void oneOverridePointsEveryInputAtOneFolder() {
    String root = System.getProperty("tenure.repo.root", "..");
    TenureSettings s =
        ConfigLoader.load(
            new java.io.File(root + "/conf/application.conf"),
            Map.of("inputs-dir", "/data/export"));
    for (TableKind kind : TableKind.values()) {
      assertThat(s.input(kind).orElseThrow().path()).isEqualTo("/data/export/" + kind.key());
    }
  }
}
