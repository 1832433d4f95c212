package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.testing.CliRun;
import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Online Retail II example of docs/inputs.md, taken from the docs as written, runs on a file in
 * that export's real layout (header, quoting, `13085.0` ids, empty ids, `C` return invoices).
 */
@ExtendWith(SparkExtension.class)
class OnlineRetailExampleTest {
  private static final String CSV =
      """
      Invoice,StockCode,Description,Quantity,InvoiceDate,Price,Customer ID,Country
      489434,85048,15CM CHRISTMAS GLASS BALL 20 LIGHTS,12,2009-12-01 07:45:00,6.95,13085.0,United Kingdom
      489434,79323P,PINK CHERRY LIGHTS,12,2009-12-01 07:45:00,6.75,13085.0,United Kingdom
      489436,48173C,DOOR MAT BLACK FLOCK ,10,2009-12-01 09:06:00,5.95,13078.0,United Kingdom
      489437,22143,"CHRISTMAS CRAFT HEART, DECORATION",6,2009-12-01 09:08:00,2.1,,United Kingdom
      C489449,48173C,DOOR MAT BLACK FLOCK ,-2,2009-12-01 10:33:00,5.95,13078.0,United Kingdom
      489450,21871,SAVE THE PLANET MUG,24,2010-01-05 10:00:00,1.25,,United Kingdom
      489460,22086,PAPER CHAIN KIT 50'S CHRISTMAS ,6,2010-01-10 11:00:00,2.95,13085.0,United Kingdom
      A506401,B,Adjust bad debt,1,2010-01-10 13:36:00,-53594.36,,United Kingdom
      """;

  @TempDir Path dir;

  @Test
  void theDocumentedConfigRunsOnTheRealLayout(SparkSession spark) throws Exception {
    CliRun run = run(example());

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode transactions = manifest().get("inputs").get("transactions");
    assertThat(transactions.get("rows_read").asLong()).isEqualTo(8);
    assertThat(transactions.get("rows_used").asLong()).isEqualTo(5);
    assertThat(transactions.get("rows_quarantined").asLong()).isZero();
    assertThat(transactions.get("rows_excluded").asLong()).isEqualTo(3);
    assertThat(transactions.get("excluded_by_reason").get("filter").asLong()).isEqualTo(3);

    // December 2009 cohort: 13085 (83.40 + 81.00) and 13078 (59.50, 11.90 of it returned); 13085
    // is back in January (17.70).
    List<Row> cells =
        spark
            .read()
            .parquet(dir.resolve("out/cohort_retention/as_of=2010-01-10").toString())
            .orderBy("period_index")
            .select("cohort_start", "period_index", "cohort_size", "active_customers", "revenue")
            .collectAsList();
    assertThat(cells).hasSize(2);
    assertThat(cells.get(0).get(0).toString()).isEqualTo("2009-12-01");
    assertThat(List.of(cells.get(0).getLong(2), cells.get(0).getLong(3))).containsExactly(2L, 2L);
    assertThat(cells.get(0).getDecimal(4)).isEqualByComparingTo("212.00");
    assertThat(List.of(cells.get(1).getLong(2), cells.get(1).getLong(3))).containsExactly(2L, 1L);
    assertThat(cells.get(1).getDecimal(4)).isEqualByComparingTo("17.70");
    assertThat(Files.exists(dir.resolve("out/quarantine/as_of=2010-01-10"))).isTrue();
  }

  @Test
  void withoutTheFilterTheEmptyIdsStopTheRun() throws Exception {
    String noFilter =
        example().lines().filter(l -> !l.contains("filter =")).reduce("", (a, b) -> a + b + "\n");

    CliRun run = run(noFilter);

    assertThat(run.code()).isEqualTo(3);
    assertThat(run.err()).contains("missing_customer_id 3");
  }

  @Test
  void aFilterThatIsNoConditionIsAConfigurationError() throws Exception {
    for (String filter : List.of("Quantity * Price", "`Customer Id` > 0 AND Nope = 1")) {
      String bad = example().replace("`Customer ID` IS NOT NULL", filter.replace("\"", ""));

      CliRun run = run(bad);

      assertThat(run.code()).as(run.err()).isEqualTo(2);
      assertThat(run.err()).contains("tenure.inputs.transactions.filter").contains(filter);
    }
  }

  private CliRun run(String conf) throws Exception {
    Path csv = dir.resolve("online_retail_II.csv");
    Files.writeString(csv, CSV);
    Path file = dir.resolve("retail.conf");
    Files.writeString(file, conf);
    return CliRun.of(
        "run",
        "--conf",
        file.toString(),
        "--as-of",
        "2010-01-10",
        "-D",
        "inputs.transactions.path=" + csv,
        "-D",
        "output.path=" + dir.resolve("out"));
  }

  private JsonNode manifest() throws Exception {
    return new ObjectMapper()
        .readTree(dir.resolve("out/_manifests/as_of=2010-01-10.json").toFile());
  }

  /** The HOCON block that follows the example's marker in docs/inputs.md. */
  static String example() throws Exception {
    List<String> lines = Files.readAllLines(Path.of(EndToEndTest.ROOT, "docs", "inputs.md"));
    List<String> block = new ArrayList<>();
    boolean marker = false;
    boolean inside = false;
    for (String line : lines) {
      if (line.equals("<!-- online-retail-example -->")) {
        marker = true;
      } else if (marker && !inside && line.equals("```hocon")) {
        inside = true;
      } else if (inside && line.equals("```")) {
        break;
      } else if (inside) {
        block.add(line);
      }
    }
    assertThat(block).as("the example block in docs/inputs.md").isNotEmpty();
    return String.join("\n", block) + "\n";
  }
}
