package io.tenure.metrics;

import static io.tenure.testing.Rows.cancel;
import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.refund;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Scoring reads the purchase history from the activity base and the last days' transactions ({@link
 * ChurnFeatures#atAsOf}); it must give every customer the features {@link ChurnFeatures#at} gives
 * at that cutoff from every transaction. Generated customers in a zone east of UTC (a purchase late
 * in the UTC day is the next local day), with refunds, cancellations and comebacks, at several
 * as-of dates, with an inactivity window shorter and one longer than the 90 days the recent counts
 * need.
 */
@ExtendWith(SparkExtension.class)
class ChurnFeaturesAtAsOfTest {
  private static final ZoneId ZONE = ZoneId.of("Asia/Tokyo");
  private static final ServiceSettings SERVICE =
      new ServiceSettings(Map.of(), 7, Map.of(), List.of("complaint"), 60, Optional.empty());

  @Test
  void theHistoryFromTheActivityBaseEqualsTheOneFromEveryTransaction(SparkSession spark) {
    Random random = new Random(11);
    List<Row> tx = new ArrayList<>();
    List<Row> cancellations = new ArrayList<>();
    Instant start = Instant.parse("2023-01-01T00:00:00Z");
    for (int c = 0; c < 300; c++) {
      String customer = "c" + c;
      Instant at = start.plusSeconds(random.nextInt(200 * 86_400));
      int purchases = 1 + random.nextInt(12);
      for (int k = 0; k < purchases; k++) {
        tx.add(purchase(customer, at.toString(), String.valueOf(1 + random.nextInt(500))));
        if (random.nextInt(6) == 0) {
          tx.add(refund(customer, at.plusSeconds(3_600).toString(), "1.5"));
        }
        if (random.nextInt(15) == 0) {
          cancellations.add(
              cancel(customer, at.plusSeconds(86_400).toString(), "voluntary", "price"));
        }
        // Gaps from hours to months: some spells churn by inactivity, some customers come back.
        at = at.plusSeconds(3_600 + (long) random.nextInt(120) * random.nextInt(86_400));
      }
    }
    Dataset<Row> allTx = Rows.df(spark, Rows.TRANSACTIONS, tx.toArray(Row[]::new));
    Dataset<Row> allCancellations =
        Rows.df(spark, Rows.CANCELLATIONS, cancellations.toArray(Row[]::new));
    Dataset<Row> interactions = Rows.df(spark, Rows.INTERACTIONS);
    int compared = 0;
    for (int inactivity : new int[] {30, 120}) {
      for (String day : List.of("2023-05-31", "2023-09-14", "2024-01-31")) {
        LocalDate asOf = LocalDate.parse(day);
        Dataset<Row> txUpTo = upTo(allTx, "occurred_at", asOf);
        Dataset<Row> spells =
            LifecycleSpells.of(
                txUpTo,
                Optional.of(upTo(allCancellations, "cancelled_at", asOf)),
                inactivity,
                ZONE,
                asOf);
        List<String> everyTransaction =
            Rows.sorted(
                ChurnFeatures.at(
                    List.of(asOf),
                    functions.lit(true),
                    spells,
                    interactions,
                    txUpTo,
                    SERVICE,
                    ZONE));
        List<String> fromTheBase =
            Rows.sorted(
                ChurnFeatures.atAsOf(
                    asOf,
                    spells,
                    interactions,
                    txUpTo,
                    ActivityBase.build(txUpTo, Optional.empty(), ZONE, Grain.MONTH),
                    inactivity,
                    SERVICE,
                    ZONE));
        assertThat(fromTheBase).as("as of %s, %d days", asOf, inactivity).isNotEmpty();
        assertThat(fromTheBase)
            .as("as of %s, %d days", asOf, inactivity)
            .isEqualTo(everyTransaction);
        compared += fromTheBase.size();
      }
    }
    assertThat(compared).isGreaterThan(300);
  }

  /** The rows dated up to the end of {@code asOf} in the zone: what a run as of it reads. */
  private static Dataset<Row> upTo(Dataset<Row> rows, String column, LocalDate asOf) {
    return rows.where(Periods.localDate(functions.col(column), ZONE).leq(Periods.date(asOf)));
  }
}
