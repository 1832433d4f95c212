package io.tenure.pipeline;

import static io.tenure.testing.Rows.df;
import static io.tenure.testing.Rows.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.CliRun;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-input catalogue of docs/data-quality.md: each problem gets one clear message and its
 * exit code (3 = input, 2 = configuration), or, for the empty optional tables, a normal run.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class WholeInputCatalogueTest {
  @TempDir Path dir;

  private Dataset<Row> transactions(SparkSession spark) {
    return df(
        spark,
        Rows.TRANSACTIONS,
        purchase("a", "2024-01-05T10:00:00Z", "10"),
        purchase("a", "2024-02-05T10:00:00Z", "10"),
        purchase("b", "2024-01-20T10:00:00Z", "20"));
  }

  private Path parquet(Dataset<Row> rows, String name) {
    Path p = dir.resolve(name);
    rows.coalesce(1).write().parquet(p.toString());
    return p;
  }

  /** Runs validate (or run) with only transactions configured, plus the given extra lines. */
  private CliRun tenure(String command, Path transactions, String... extra) throws Exception {
    StringBuilder conf = new StringBuilder("tenure {\n");
    conf.append("inputs.transactions.path = \"").append(transactions).append("\"\n");
    conf.append("output.path = \"").append(dir.resolve("out")).append("\"\n");
    for (String line : extra) {
      conf.append(line).append('\n');
    }
    Path file = dir.resolve("tenure.conf");
    Files.writeString(file, conf.append("}\n"));
    return CliRun.of(command, "--conf", file.toString());
  }

  private static Path onlyDataFile(Path table) throws Exception {
    try (Stream<Path> files = Files.list(table)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().get();
    }
  }

  @Test
  void emptyTransactionsDirectoryIsExitThree() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("tx"));
    CliRun r = tenure("validate", empty);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("Input table 'transactions' at " + empty + " has no usable rows");
  }

  @Test
  void transactionsWithZeroRowsIsExitThree(SparkSession spark) throws Exception {
    Path tx = parquet(df(spark, Rows.TRANSACTIONS), "tx");
    CliRun r = tenure("validate", tx);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("Input table 'transactions' at " + tx + " has no usable rows");
  }

  @Test
  void emptyCancellationsAndInteractionsAreValid(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    Path noCancellations = parquet(df(spark, Rows.CANCELLATIONS), "cancellations");
    Path noInteractions = Files.createDirectories(dir.resolve("interactions"));
    CliRun r =
        tenure(
            "run",
            tx,
            "inputs.cancellations.path = \"" + noCancellations + "\"",
            "inputs.interactions.path = \"" + noInteractions + "\"");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(dir.resolve("out/churn_rates/as_of=2024-02-05/_SUCCESS")).exists();
    assertThat(dir.resolve("out/time_with_customer/as_of=2024-02-05/_SUCCESS")).exists();
  }

  @Test
  void truncatedParquetFileIsNamed(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    Path file = onlyDataFile(tx);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    CliRun r = tenure("validate", tx);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains("Input table 'transactions' (tenure.inputs.transactions.path): the file")
        .contains(file.getFileName().toString())
        .contains("is not readable Parquet");
  }

  @Test
  void corruptDataInsideAFileWithAGoodFooterIsNamed(SparkSession spark) throws Exception {
    // Uncompressed, so that overwriting page bytes breaks decoding and not just a checksum.
    Path tx = dir.resolve("tx");
    transactions(spark).coalesce(1).write().option("compression", "gzip").parquet(tx.toString());
    Path file = onlyDataFile(tx);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] garbage = new byte[(int) Math.min(200, f.length() / 3)];
      java.util.Arrays.fill(garbage, (byte) 0x7f);
      f.seek(8);
      f.write(garbage);
    }
    CliRun r = tenure("validate", tx);
    assertThat(r.code()).as(r.err()).isEqualTo(3);
    assertThat(r.err()).contains(file.getFileName().toString()).contains("corrupt");
  }

  @Test
  void schemaThatChangedBetweenFilesIsNamed(SparkSession spark) throws Exception {
    Path tx = dir.resolve("tx");
    transactions(spark).coalesce(1).write().parquet(tx.toString());
    transactions(spark)
        .withColumn("amount", org.apache.spark.sql.functions.col("amount").cast("string"))
        .coalesce(1)
        .write()
        .mode("append")
        .parquet(tx.toString());
    CliRun r = tenure("validate", tx);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains("Input table 'transactions': the schema changed between its files")
        .contains("column 'amount' differs");
  }

  @Test
  void csvWithoutItsHeaderLineNamesTheColumnsFound() throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.writeString(csv, "a,2024-01-05T10:00:00Z,10\nb,2024-01-06T10:00:00Z,12\n");
    CliRun r = tenure("validate", csv, "inputs.transactions.format = csv");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains("Input table 'transactions' has no column 'customer_id'")
        .contains("Columns found: a, 2024-01-05T10:00:00Z, 10")
        .contains("first line");
  }

  @Test
  void mixedCurrenciesNeedAReportingCurrency(SparkSession spark) throws Exception {
    Path tx =
        parquet(
            transactions(spark)
                .withColumn(
                    "currency",
                    org.apache.spark.sql.functions.expr(
                        "case when customer_id = 'b' then 'USD' else 'EUR' end")),
            "tx");
    CliRun mixed = tenure("validate", tx);
    assertThat(mixed.code()).isEqualTo(3);
    assertThat(mixed.err())
        .contains("Input table 'transactions' mixes currencies (EUR, USD")
        .contains("set tenure.money.currency");
    CliRun converted = tenure("validate", tx, "money { currency = EUR, rates { USD = 0.9 } }");
    assertThat(converted.code()).as(converted.err()).isZero();
  }

  @Test
  void badConfigurationIsExitTwoWithKeyAndFile(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    String file = dir.resolve("tenure.conf").toString();
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"churn.inactivty-days = 30", "at key 'tenure.churn.inactivty-days'"});
    cases.add(
        new String[] {
          "churn.inactivity-days = ninety", "at key 'tenure.churn.inactivity-days': wrong type"
        });
    cases.add(
        new String[] {"churn.inactivity-days = -7", "inactivity-days must be at least 1, got -7"});
    cases.add(
        new String[] {"money.rates { USD = -1 }", "money.rates.USD must be a positive number"});
    cases.add(
        new String[] {
          "quality.allowed-values.transactions.amount = [1]",
          "at key 'tenure.quality.allowed-values.transactions.amount': 'amount' is not a text"
        });
    cases.add(
        new String[] {
          "privacy.pseudonymise-customer-ids = true\nprivacy.secret-env = TENURE_TEST_UNSET_KEY",
          "environment variable TENURE_TEST_UNSET_KEY (tenure.privacy.secret-env) is unset"
        });
    for (String[] c : cases) {
      CliRun r = tenure("validate", tx, c[0]);
      assertThat(r.code()).as(c[0] + " -> " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(c[0]).contains(c[1]);
      if (!c[0].contains("allowed-values") && !c[0].contains("privacy")) {
        assertThat(r.err()).as(c[0]).contains(file);
      }
    }
  }

  @Test
  void anAsOfDateAfterTodayIsAUsageError(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    CliRun r = tenure("run", tx, "as-of = \"2999-06-30\"");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("The as-of date 2999-06-30 is after today");
  }

  /** Data ends 2024-02-05: as of 2024-06-30 every customer would have churned by inactivity. */
  @Test
  void anAsOfDateLongAfterTheNewestEventStopsUnlessAllowed(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    CliRun r = tenure("run", tx, "as-of = \"2024-06-30\"");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            "The as-of date 2024-06-30 is 146 days after the newest event in the inputs"
                + " (2024-02-05)")
        .contains("-D quality.max-days-after-data=<days>");
    CliRun allowed =
        tenure("run", tx, "as-of = \"2024-06-30\"", "quality.max-days-after-data = null");
    assertThat(allowed.code()).as(allowed.err()).isZero();
  }

  @Test
  void anImpossibleAsOfDateIsNamedAsSuch(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    tenure("validate", tx);
    CliRun r =
        CliRun.of("run", "--conf", dir.resolve("tenure.conf").toString(), "--as-of", "2024-02-30");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "Invalid --as-of '2024-02-30': 2024-02-30 is not a calendar date (Invalid date"
                + " 'FEBRUARY 30')");
  }

  @Test
  void aRangeErrorNamesTheKeyItself(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    CliRun r = tenure("validate", tx, "churn.inactivity-days = 0");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("at key 'tenure.churn.inactivity-days': inactivity-days must be at least 1");
  }

  @Test
  void aSemicolonSeparatedCsvGetsADelimiterHint() throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.writeString(csv, "customer_id;occurred_at;amount\nc1;2024-01-05T10:00:00Z;10\n");
    CliRun r = tenure("validate", csv, "inputs.transactions.format = csv");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains(
            "The header looks ';'-separated: set tenure.inputs.transactions.options.delimiter ="
                + " \";\"");
  }

  @Test
  void aDanglingSymlinkedInputFileIsNamedNotSkipped(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    Path link = tx.resolve("part-99999.parquet");
    Files.createSymbolicLink(link, dir.resolve("gone.parquet"));
    CliRun r = tenure("validate", tx);
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains(link + " is a symbolic link whose target does not exist")
        .contains("(tenure.inputs.transactions.path)");
  }

  @Test
  void aMissingPathMessageEndsItsSentencesOnce() throws Exception {
    CliRun r = tenure("validate", dir.resolve("nowhere"));
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err()).contains("Cannot read input table 'transactions'").doesNotContain("..");
  }

  @Test
  void anOutputPathThatCannotBeCreatedNamesThePermissionProblem(SparkSession spark)
      throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    CliRun r = tenure("run", tx, "output.path = \"" + file.resolve("out") + "\"");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("tenure: Cannot take the lock " + file.resolve("out").resolve("_lock"))
        .contains("Check that the output path is writable by this user");
  }

  /** A run with --only keeps the date's other tables listed in the manifest, with their run. */
  @Test
  void aRunWithOnlyKeepsTheOtherTablesInTheManifest(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    assertThat(tenure("run", tx).code()).isZero();
    CliRun only =
        CliRun.of("run", "--conf", dir.resolve("tenure.conf").toString(), "--only", "churn_rates");
    assertThat(only.code()).as(only.err()).isZero();
    com.fasterxml.jackson.databind.JsonNode m =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(dir.resolve("out/_manifests/as_of=2024-02-05.json").toFile());
    assertThat(m.get("outputs").has("cohort_retention")).isTrue();
    assertThat(m.get("outputs").get("cohort_retention").get("run_id").asText())
        .isNotEqualTo(m.get("run_id").asText());
    assertThat(m.get("outputs").has("churn_rates")).isTrue();
    assertThat(m.get("outputs").get("churn_rates").has("run_id")).isFalse();
  }

  @Test
  void aMisspeltOverrideIsBlamedOnTheOverrideNotTheFile(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    tenure("validate", tx);
    CliRun r =
        CliRun.of(
            "validate",
            "--conf",
            dir.resolve("tenure.conf").toString(),
            "-D",
            "churn.inactivty-days=30");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("Configuration error in a -D override at key 'tenure.churn.inactivty-days'");
  }

  @Test
  void noUsableRowsNamesTheRuleThatRemovedThem(SparkSession spark) throws Exception {
    Path tx = parquet(transactions(spark), "tx");
    CliRun r =
        tenure(
            "validate",
            tx,
            "quality.max-quarantined-fraction = 1.0",
            "quality.allowed-values.transactions.channel = [store]");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.err())
        .contains("has no usable rows")
        .contains("No row could be used (unknown_channel 3;");
  }
}
