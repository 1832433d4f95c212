package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.CliRun;
import io.tenure.testing.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The documented exit codes, as a scheduler sees them, with the message on stderr. */
@ExtendWith(SparkExtension.class)
class ExitCodesTest {

  @Test
  void unknownCommandOrOptionIsAUsageError() {
    assertThat(CliRun.of(List.of("frobnicate")).code()).isEqualTo(2);
    assertThat(CliRun.of(List.of("run", "--no-such-flag")).code()).isEqualTo(2);
  }

  @Test
  void badConfigurationIsExitTwoAndNamesTheKey(@TempDir Path out) {
    CliRun o = CliRun.of(EndToEndTest.args("run", out, "-D", "churn.denominator=median"));
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("at key 'tenure.churn.denominator': invalid value 'median'");
  }

  @Test
  void badAsOfIsExitTwo(@TempDir Path out) {
    CliRun o = CliRun.of(EndToEndTest.args("validate", out, "--as-of", "31/12/2024"));
    assertThat(o.code()).isEqualTo(2);
    assertThat(o.err()).contains("Invalid --as-of '31/12/2024': expected yyyy-MM-dd");
  }

  @Test
  void mappingToAMissingColumnIsExitThreeAndNamesTableColumnAndKey(@TempDir Path out) {
    CliRun o =
        CliRun.of(
            EndToEndTest.args(
                "validate", out, "-D", "inputs.transactions.columns.customer_id=CustomerID"));
    assertThat(o.code()).isEqualTo(3);
    assertThat(o.err())
        .contains("Input table 'transactions' has no column 'CustomerID'")
        .contains("tenure.inputs.transactions.columns.customer_id");
  }

  @Test
  void missingInputPathIsExitThree(@TempDir Path out) {
    CliRun o =
        CliRun.of(
            EndToEndTest.args("validate", out, "-D", "inputs.cancellations.path=/no/such/dir"));
    assertThat(o.code()).isEqualTo(3);
    assertThat(o.err())
        .contains("Cannot read input table 'cancellations' at /no/such/dir")
        .contains("tenure.inputs.cancellations.path");
  }

  @Test
  void tooManyUnusableRowsIsExitThreeUnlessTheLimitAllowsThem(@TempDir Path dir) throws Exception {
    StringBuilder rows = new StringBuilder("customer_id,occurred_at,amount\n");
    for (int i = 0; i < 9; i++) {
      rows.append("c").append(i).append(",2024-03-0").append(i + 1).append("T10:00:00Z,5\n");
    }
    rows.append("c9,yesterday,5\n");
    java.nio.file.Files.writeString(dir.resolve("tx.csv"), rows.toString());
    java.nio.file.Files.writeString(
        dir.resolve("t.conf"),
        "tenure { inputs.transactions { path = \""
            + dir.resolve("tx.csv")
            + "\", format = csv }\n output.path = \""
            + dir.resolve("out")
            + "\" }\n");
    String conf = dir.resolve("t.conf").toString();

    CliRun failed = CliRun.of(List.of("validate", "--conf", conf));
    assertThat(failed.code()).isEqualTo(3);
    assertThat(failed.err())
        .contains(
            "Input table 'transactions': 10.00 % of its rows up to the as-of date (1 of 10) cannot"
                + " be used, above the limit of 1.00 % (tenure.quality.max-quarantined-fraction). Reasons:"
                + " unparseable_occurred_at 1.");
    CliRun allowed =
        CliRun.of(
            List.of("validate", "--conf", conf, "-D", "quality.max-quarantined-fraction=0.2"));
    assertThat(allowed.code()).isEqualTo(0);
  }
}
