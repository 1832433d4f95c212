package io.tenure.validate;

import static io.tenure.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenure.config.ConfigLoader;
import io.tenure.config.InputSettings;
import io.tenure.config.QualitySettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.ExitCode;
import io.tenure.errors.TenureException;
import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(SparkExtension.class)
class ReadAndValidateTest {

  private static TenureSettings settings(Path tx, String format, String columns, String zone)
      throws Exception {
    Path conf = tx.getParent().resolve("test-" + format + ".conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions { path = \""
            + tx
            + "\", format = "
            + format
            + ", columns { "
            + columns
            + " } }\n output.path = \"/tmp/unused\"\n"
            + " quality.earliest-date = \"2000-01-01\"\n"
            + " time { zone = \"Europe/Berlin\", naive-input-zone = \""
            + zone
            + "\" } }");
    return ConfigLoader.load(conf.toFile(), Map.of());
  }

  @Test
  void csvWithOwnColumnNamesTimeZonesAndBadRows(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "InvoiceNo,CustomerID,InvoiceDate,Price",
            "1,17850,2024-03-01 10:00:00,12.50",
            "2,17850,2024-03-01T10:00:00Z,-3.00",
            "3,,2024-03-02 10:00:00,1.00",
            "4,13047,not a date,1.00",
            "5,13047,2024-03-02 10:00:00,abc",
            "6,13047,2024-03-31 23:30:00+02:00,7",
            "7,13047,1970-01-01 00:00:00,7"));
    TenureSettings s =
        settings(
            csv,
            "csv",
            "transaction_id = InvoiceNo, customer_id = CustomerID, occurred_at = InvoiceDate,"
                + " amount = Price",
            "America/New_York");
    InputSettings in = s.input(TableKind.TRANSACTIONS).orElseThrow();
    ValidatedInput v = Validation.read(spark, s, in);

    // Naive times are New York wall time; a negative amount without a kind column is a refund.
    assertThat(
            sorted(
                v.clean(LocalDate.of(2024, 12, 31)),
                "transaction_id",
                "customer_id",
                "cast(occurred_at as string)",
                "cast(amount as double)",
                "kind",
                "channel"))
        .containsExactly(
            "1 | 17850 | 2024-03-01 15:00:00 | 12.5 | purchase | unknown",
            "2 | 17850 | 2024-03-01 10:00:00 | 3.0 | refund | unknown",
            "6 | 13047 | 2024-03-31 21:30:00 | 7.0 | purchase | unknown");
    assertThat(
            sorted(
                v.quarantined(java.time.LocalDate.of(9999, 12, 31), java.util.Optional.empty()),
                "input_table",
                "reason"))
        .containsExactly(
            "transactions | before_earliest_date",
            "transactions | missing_customer_id",
            "transactions | unparseable_amount",
            "transactions | unparseable_occurred_at");
    assertThat(
            v.quarantined(java.time.LocalDate.of(9999, 12, 31), java.util.Optional.empty())
                .first()
                .getString(3))
        .endsWith("tx.csv");
  }

  @Test
  void missingColumnNamesTableColumnAndConfigKey(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.writeString(csv, "id,customer,when,value\n1,a,2024-01-01,3\n");
    TenureSettings s = settings(csv, "csv", "customer_id = customer, amount = value", "UTC");

    assertThatThrownBy(
            () -> Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow()))
        .isInstanceOf(TenureException.class)
        .hasMessage(
            "Input table 'transactions' has no column 'occurred_at' (expected by canonical"
                + " column 'occurred_at'). Columns found: id, customer, when, value. Fix: map it"
                + " with tenure.inputs.transactions.columns.occurred_at = \"<your column>\" in"
                + " the config, or add the column. A CSV file's first line must be its header;"
                + " without one, set tenure.inputs.transactions.options.header = false and map"
                + " the columns _c0, _c1, ...")
        .extracting(e -> ((TenureException) e).exitCode())
        .isEqualTo(ExitCode.INVALID_INPUT);
  }

  @Test
  void wrongTypeNamesExpectedAndFoundType(SparkSession spark, @TempDir Path dir) throws Exception {
    Path parquet = dir.resolve("tx");
    spark
        .sql(
            "select 'c1' as customer_id, timestamp'2024-01-01 00:00:00' as occurred_at,"
                + " 'twelve' as amount")
        .write()
        .parquet(parquet.toString());
    TenureSettings s = settings(parquet, "parquet", "", "UTC");

    assertThatThrownBy(
            () -> Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow()))
        .isInstanceOf(TenureException.class)
        .hasMessage(
            "Input table 'transactions', column 'amount' (canonical 'amount', mapped by"
                + " tenure.inputs.transactions.columns.amount): expected numeric (decimal,"
                + " double, integer), found string. Fix: cast the column in the source, or map"
                + " tenure.inputs.transactions.columns.amount to a column of the right type.");
  }

  @Test
  void timestampWithoutTimeZoneIsReadInTheNaiveZone(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path parquet = dir.resolve("ntz");
    spark
        .sql(
            "select 1L as customer_id, timestamp_ntz'2024-07-01 00:30:00' as occurred_at,"
                + " 5.0d as amount")
        .write()
        .parquet(parquet.toString());
    TenureSettings s = settings(parquet, "parquet", "", "Europe/Berlin");
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());

    // 00:30 in Berlin (CEST, +2) is 22:30 UTC the day before; its business date is July 1.
    assertThat(
            sorted(
                v.clean(LocalDate.of(2024, 12, 31)), "customer_id", "cast(occurred_at as string)"))
        .containsExactly("1 | 2024-06-30 22:30:00");
    assertThat(sorted(v.flagged(), "_event_date")).containsExactly("2024-07-01");
  }

  @Test
  void duplicateIdsKeepOneUsableRowAndQuarantineTheRest(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path csv = dir.resolve("dups.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "transaction_id,customer_id,occurred_at,amount",
            "1,a,2024-03-01T10:00:00Z,5",
            "1,a,2024-03-01T10:00:00Z,5",
            "2,,2024-03-01T09:00:00Z,7",
            "2,b,2024-03-02T10:00:00Z,7",
            "3,c,2024-03-03T10:00:00Z,9"));
    TenureSettings s = settings(csv, "csv", "", "UTC");
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());

    assertThat(sorted(v.clean(LocalDate.of(2024, 12, 31)), "transaction_id", "customer_id"))
        .containsExactly("1 | a", "2 | b", "3 | c");
    assertThat(
            sorted(
                v.quarantined(java.time.LocalDate.of(9999, 12, 31), java.util.Optional.empty()),
                "reason"))
        .containsExactly("duplicate_transaction_id", "missing_customer_id");
  }

  @Test
  void expressionsDeriveValuesFromSeveralSourceColumns(SparkSession spark, @TempDir Path dir)
      throws Exception {
    // The shape of the UCI Online Retail data: invoice lines, quantity x unit price, returns as
    // negative quantities on 'C' invoices, local times in a US-style format.
    Path csv = dir.resolve("retail.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID,Country",
            "536365,85123A,6,12/1/2010 8:26,2.55,17850,United Kingdom",
            "C536379,85123A,-2,12/1/2010 9:41,2.55,17850,United Kingdom"));
    Path conf = dir.resolve("retail.conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions { path = \""
            + csv
            + "\", format = csv\n"
            + " columns { customer_id = \"Customer ID\" }\n"
            + " expressions { amount = \"Quantity * Price\",\n"
            + "   occurred_at = \"to_timestamp_ntz(InvoiceDate, 'M/d/yyyy H:mm')\" } }\n"
            + " output.path = \"/tmp/unused\"\n time.naive-input-zone = \"Europe/London\" }");
    TenureSettings s = ConfigLoader.load(conf.toFile(), Map.of());
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());

    assertThat(
            sorted(
                v.clean(LocalDate.of(2011, 12, 31)),
                "customer_id",
                "cast(occurred_at as string)",
                "cast(amount as double)",
                "kind"))
        .containsExactly(
            "17850 | 2010-12-01 08:26:00 | 15.3 | purchase",
            "17850 | 2010-12-01 09:41:00 | 5.1 | refund");
  }

  @Test
  void enumValuesNormaliseInSparkAsInTheConfiguration(SparkSession spark) {
    List<String> values =
        List.of(
            "Self-Service",
            "self  service",
            "Self\tService",
            "a -\n b",
            "PHONE",
            "e-mail",
            "x",
            // Each separator alone: every one must send the value through the mapping.
            "Web\nChat",
            "Web\u000BChat",
            "Web\fChat",
            "Web\rChat",
            "live_chat");
    Dataset<Row> df = spark.createDataset(values, Encoders.STRING()).toDF("v");
    List<String> normalised =
        df.select(RowRules.enumValue(df.col("v"))).as(Encoders.STRING()).collectAsList();
    assertThat(normalised)
        .containsExactlyElementsOf(values.stream().map(QualitySettings::enumValue).toList())
        .containsExactly(
            "self_service",
            "self_service",
            "self_service",
            "a_b",
            "phone",
            "e_mail",
            "x",
            "web_chat",
            "web_chat",
            "web_chat",
            "web_chat",
            "live_chat");
  }

  @Test
  void badExpressionIsAConfigurationErrorNamingTheKey(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "customer_id,occurred_at,Qty\n1,2024-01-01T00:00:00Z,2\n");
    Path conf = dir.resolve("t.conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions { path = \""
            + csv
            + "\", format = csv\n"
            + " expressions { amount = \"Qty * Price\" } }\n output.path = \"/tmp/unused\" }");
    TenureSettings s = ConfigLoader.load(conf.toFile(), Map.of());

    assertThatThrownBy(
            () -> Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow()))
        .isInstanceOf(TenureException.class)
        .hasMessageStartingWith(
            "Configuration error at key 'tenure.inputs.transactions.expressions.amount': the"
                + " expression \"Qty * Price\" cannot be evaluated on the input")
        .hasMessageEndingWith(
            "Columns found: customer_id, occurred_at, Qty. Fix the expression (Spark SQL"
                + " syntax).")
        .extracting(e -> ((TenureException) e).exitCode())
        .isEqualTo(ExitCode.USAGE);
  }

  /**
   * Numeric ids must be whole numbers a double holds exactly: 292.5 and 292.9 are not customer
   * "292", and 1e20 and 2e20 are not one customer.
   */
  @Test
  void fractionalAndHugeNumericIdsAreQuarantinedNotTruncated(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path tx = dir.resolve("tx");
    spark
        .sql(
            "select * from values (7.0d, 'a'), (292.5d, 'b'), (292.9d, 'c'), (1e20d, 'd'),"
                + " (2e20d, 'e'), (cast('NaN' as double), 'f') as t(customer_id, label)")
        .selectExpr(
            "customer_id",
            "label",
            "timestamp'2024-03-01 10:00:00' as occurred_at",
            "cast(10 as decimal(10,2)) as amount")
        .coalesce(1)
        .write()
        .parquet(tx.toString());
    TenureSettings s = settings(tx, "parquet", "", "UTC");
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());
    assertThat(sorted(v.flagged(), "_raw.label", "customer_id", "_reason"))
        .containsExactly(
            "a | 7 | null",
            "b | null | unparseable_customer_id",
            "c | null | unparseable_customer_id",
            "d | null | unparseable_customer_id",
            "e | null | unparseable_customer_id",
            "f | null | unparseable_customer_id");
  }

  /**
   * A 0001-01-01 placeholder in a file from another writer (here DuckDB) reads as written and is
   * quarantined by the earliest-date rule, instead of stopping the run with READ_ANCIENT_DATETIME.
   */
  @Test
  void anAncientPlaceholderTimestampIsQuarantinedNotFatal(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path tx = Files.createDirectories(dir.resolve("tx"));
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        java.sql.Statement st = c.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      st.execute(
          "COPY (SELECT * FROM (VALUES ('c1', TIMESTAMPTZ '0001-01-01 00:00:00+00', 10.0),"
              + " ('c2', TIMESTAMPTZ '2024-01-05 10:00:00+00', 5.0)) t(customer_id, occurred_at,"
              + " amount)) TO '"
              + tx.resolve("part-0.parquet")
              + "' (FORMAT PARQUET)");
    }
    TenureSettings s = settings(tx, "parquet", "", "UTC");
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());
    assertThat(sorted(v.flagged(), "customer_id", "_reason"))
        .containsExactly("c1 | before_earliest_date", "c2 | null");
  }

  /** A source column's name is quoted wherever Tenure names it: a backtick in it is harmless. */
  @Test
  void columnNamesWithBackticksAreQuoted(SparkSession spark, @TempDir Path dir) throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.writeString(
        csv, "customer_id,occurred_at,amount,odd`name,`both`\nc1,2024-03-01T10:00:00Z,5,x,y\n");
    TenureSettings s = settings(csv, "csv", "", "UTC");
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());
    assertThat(sorted(v.flagged(), "customer_id", "_reason", "to_json(_raw)"))
        .containsExactly(
            "c1 | null | {\"customer_id\":\"c1\",\"occurred_at\":\"2024-03-01T10:00:00Z\","
                + "\"amount\":\"5\",\"odd`name\":\"x\",\"`both`\":\"y\"}");
  }

  /**
   * Business zone New York, naive zone Tokyo: a zone named in the string wins (never shifted
   * twice), a date alone is a New York day (as a DATE column is), other naive times are Tokyo time.
   */
  @Test
  void zonesNamedInStringsAndDateOnlyStrings(SparkSession spark, @TempDir Path dir)
      throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.writeString(
        csv,
        String.join(
            "\n",
            "id,customer_id,occurred_at,amount",
            "a,c1,2024-05-01T10:00:00 CET,1",
            "b,c1,2024-05-01 10:00:00 Europe/Berlin,1",
            "c,c1,2024-08-01,1",
            "d,c1,2024-08-01 09:00:00,1",
            "e,c1,2024-08-01T09:00:00+02:00,1"));
    Path conf = dir.resolve("z.conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions { path = \""
            + csv
            + "\", format = csv, columns { transaction_id = id } }\n output.path = \"/tmp/unused\"\n"
            + " time { zone = \"America/New_York\", naive-input-zone = \"Asia/Tokyo\" } }");
    TenureSettings s = ConfigLoader.load(conf.toFile(), Map.of());
    ValidatedInput v = Validation.read(spark, s, s.input(TableKind.TRANSACTIONS).orElseThrow());
    assertThat(
            sorted(
                v.flagged(),
                "transaction_id",
                "date_format(occurred_at, \"yyyy-MM-dd'T'HH:mm'Z'\")",
                "cast(_event_date as string)"))
        .containsExactly(
            "a | 2024-05-01T08:00Z | 2024-05-01",
            "b | 2024-05-01T08:00Z | 2024-05-01",
            "c | 2024-08-01T04:00Z | 2024-08-01",
            "d | 2024-08-01T00:00Z | 2024-07-31",
            "e | 2024-08-01T07:00Z | 2024-08-01");
  }

  @Test
  void naiveTimesDefaultToTheBusinessZone(@TempDir Path dir) throws Exception {
    Path conf = dir.resolve("n.conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions.path = \"/x\"\n output.path = \"/y\"\n"
            + " time.zone = \"Europe/Berlin\" }");
    assertThat(ConfigLoader.load(conf.toFile(), Map.of()).naiveInputZone())
        .isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
  }

  /**
   * Latin-1 bytes read as UTF-8 become U+FFFD, which would merge "Zoë" and "Zoé" into one id: such
   * rows are quarantined; read with their real encoding, they are two customers.
   */
  @Test
  void undecodableTextIsQuarantinedAndTheEncodingOptionReadsIt(
      SparkSession spark, @TempDir Path dir) throws Exception {
    Path csv = dir.resolve("tx.csv");
    Files.write(
        csv,
        ("customer_id,occurred_at,amount\nZo\u00eb,2024-03-01T10:00:00Z,5\n"
                + "Zo\u00e9,2024-03-01T11:00:00Z,6\nann,2024-03-01T12:00:00Z,7\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    TenureSettings utf8 = settings(csv, "csv", "", "UTC");
    ValidatedInput v =
        Validation.read(spark, utf8, utf8.input(TableKind.TRANSACTIONS).orElseThrow());
    assertThat(sorted(v.flagged(), "cast(amount as int)", "_reason"))
        .containsExactly("5 | undecodable_text", "6 | undecodable_text", "7 | null");

    Path conf = dir.resolve("latin1.conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions { path = \""
            + csv
            + "\", format = csv, options { encoding = \"ISO-8859-1\" } }\n"
            + " output.path = \"/tmp/unused\" }");
    TenureSettings latin1 = ConfigLoader.load(conf.toFile(), Map.of());
    ValidatedInput w =
        Validation.read(spark, latin1, latin1.input(TableKind.TRANSACTIONS).orElseThrow());
    assertThat(sorted(w.flagged(), "customer_id", "_reason"))
        .containsExactly("Zo\u00e9 | null", "Zo\u00eb | null", "ann | null");
  }
}
