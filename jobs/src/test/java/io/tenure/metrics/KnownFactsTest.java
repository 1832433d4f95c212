package io.tenure.metrics;

import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What a contact looks like at an instant: every fact learnt later is null. */
@ExtendWith(SparkExtension.class)
class KnownFactsTest {
  static final Instant CUT = Instant.parse("2024-06-16T00:00:00Z");
  static final String COLUMNS =
      "interaction_id, first_response_at, closed_at, handle_seconds, resolved, csat, nps,"
          + " surveyed_at";

  private static Row contact(
      String id,
      String opened,
      String response,
      String closed,
      Double handle,
      Boolean resolved,
      Integer csat,
      Integer nps,
      String surveyed) {
    return RowFactory.create(
        id,
        "c1",
        "phone",
        "billing",
        ts(opened),
        response == null ? null : ts(response),
        closed == null ? null : ts(closed),
        handle,
        "A1",
        resolved,
        csat,
        nps,
        surveyed == null ? null : ts(surveyed));
  }

  private static List<String> asOfCut(SparkSession spark, Row... rows) {
    Dataset<Row> in = Rows.df(spark, Rows.INTERACTIONS, rows);
    return sorted(KnownFacts.asOf(in, CUT).selectExpr(COLUMNS.split(", ")));
  }

  @Test
  void aContactOpenAtTheCutLosesItsLaterResponseCloseOutcomeAndSurvey(SparkSession spark) {
    assertThat(
            asOfCut(
                spark,
                contact(
                    "late",
                    "2024-06-14T15:00:00Z",
                    "2024-06-20T00:00:00Z",
                    "2024-06-21T00:00:00Z",
                    600.0,
                    true,
                    5,
                    9,
                    null)))
        .containsExactly("late | null | null | null | null | null | null | null");
  }

  @Test
  void factsKnownBeforeTheCutStay(SparkSession spark) {
    assertThat(
            asOfCut(
                spark,
                contact(
                    "done",
                    "2024-06-14T15:00:00Z",
                    "2024-06-14T15:01:00Z",
                    "2024-06-15T23:59:59Z",
                    600.0,
                    false,
                    2,
                    3,
                    null),
                // answered before the cut, closed after it
                contact(
                    "answered",
                    "2024-06-15T10:00:00Z",
                    "2024-06-15T10:05:00Z",
                    "2024-06-17T00:00:00Z",
                    null,
                    true,
                    null,
                    null,
                    null)))
        .containsExactly(
            "answered | 2024-06-15 10:05:00.0 | null | null | null | null | null | null",
            "done | 2024-06-14 15:01:00.0 | 2024-06-15 23:59:59.0 | 600.0 | false | 2 | 3 | null");
  }

  @Test
  void aSurveyIsKnownAtSurveyedAtWhenGivenElseAtTheClose(SparkSession spark) {
    assertThat(
            asOfCut(
                spark,
                // closed before the cut, survey answered after it
                contact(
                    "survey-late",
                    "2024-06-10T10:00:00Z",
                    null,
                    "2024-06-10T11:00:00Z",
                    null,
                    true,
                    4,
                    8,
                    "2024-06-18T09:00:00Z"),
                // no close time: the handle time is known when the call ends
                contact(
                    "call-ends-after",
                    "2024-06-15T23:55:00Z",
                    null,
                    null,
                    600.0,
                    null,
                    5,
                    null,
                    null),
                contact(
                    "call-ends-before",
                    "2024-06-15T23:45:00Z",
                    null,
                    null,
                    600.0,
                    null,
                    null,
                    null,
                    null)))
        .containsExactly(
            "call-ends-after | null | null | null | null | 5 | null | null",
            "call-ends-before | null | null | 600.0 | null | null | null | null",
            "survey-late | null | 2024-06-10 11:00:00.0 | null | true | null | null | null");
  }
}
