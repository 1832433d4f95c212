package io.tenure.metrics;

import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenure.config.BusinessCalendar;
import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Business time with Monday–Friday 09:00–17:00 in Berlin and Christmas Day closed. Berlin is UTC+1
 * in winter, UTC+2 from 2024-03-31.
 */
@ExtendWith(SparkExtension.class)
class BusinessTimeTest {
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final String WEEKDAY = "09:00-17:00";
  private static final BusinessCalendar CALENDAR =
      BusinessCalendar.parse(
          Map.of("mon", WEEKDAY, "tue", WEEKDAY, "wed", WEEKDAY, "thu", WEEKDAY, "fri", WEEKDAY),
          List.of("2024-12-25"));

  @Test
  void secondsInsideOpeningHours(SparkSession spark) {
    StructType schema =
        new StructType()
            .add("case", DataTypes.StringType)
            .add("from", DataTypes.TimestampType)
            .add("to", DataTypes.TimestampType);
    Dataset<Row> spans =
        Rows.df(
            spark,
            schema,
            // Fri 16:30 -> Mon 09:30: half an hour each side of a closed weekend.
            RowFactory.create("weekend", ts("2024-03-01T15:30:00Z"), ts("2024-03-04T08:30:00Z")),
            RowFactory.create("saturday", ts("2024-03-02T09:00:00Z"), ts("2024-03-02T11:00:00Z")),
            // Tue 16:00 -> Thu 10:00 with Wednesday the 25th a holiday.
            RowFactory.create("holiday", ts("2024-12-24T15:00:00Z"), ts("2024-12-26T09:00:00Z")),
            RowFactory.create("early", ts("2024-03-04T07:00:00Z"), ts("2024-03-04T07:30:00Z")),
            // Fri 16:00 CET -> Mon 10:00 CEST across the clock change: opening hours are local.
            RowFactory.create("dst", ts("2024-03-29T15:00:00Z"), ts("2024-04-01T08:00:00Z")),
            RowFactory.create("open", ts("2024-03-04T09:00:00Z"), null));
    assertThat(
            sorted(
                spans.select(
                    col("case"),
                    BusinessTime.seconds(col("from"), col("to"), CALENDAR, BERLIN).as("s"))))
        .containsExactly(
            "dst | 7200.0",
            "early | 0.0",
            "holiday | 7200.0",
            "open | null",
            "saturday | 0.0",
            "weekend | 3600.0");
  }

  @Test
  void serviceKpisReportBusinessAndWallTime(SparkSession spark) {
    Dataset<Row> interactions =
        Rows.df(
            spark,
            Rows.INTERACTIONS,
            RowFactory.create(
                "i1",
                "c1",
                "email",
                "billing",
                ts("2024-03-01T15:30:00Z"),
                ts("2024-03-04T08:30:00Z"),
                ts("2024-03-04T09:00:00Z"),
                null,
                "A1",
                true,
                null,
                null));
    Dataset<Row> tx =
        Rows.df(spark, Rows.TRANSACTIONS, Rows.purchase("c1", "2024-03-01T10:00:00Z", "1"));
    ServiceSettings settings =
        new ServiceSettings(
            Map.of("email", 86400.0), 7, Map.of(), List.of(), 180, Optional.of(CALENDAR));
    Dataset<Row> kpis =
        ServiceKpis.compute(
            interactions,
            ActivityBase.build(tx, Optional.empty(), BERLIN, Grain.MONTH),
            settings,
            java.util.OptionalInt.empty(),
            Grain.MONTH,
            BERLIN);
    // Wall clock: 65 h to the answer, 65.5 h to close; in business time 1 h and 1.5 h.
    assertThat(
            sorted(
                kpis.where("level = 'overall'"),
                "first_response_p50_seconds",
                "first_response_business_p50_seconds",
                "time_to_close_p50_seconds",
                "time_to_close_business_p50_seconds"))
        .containsExactly("234000.0 | 3600.0 | 235800.0 | 5400.0");
  }

  @Test
  void badOpeningHoursAreRejectedWithTheKey() {
    assertThatThrownBy(() -> BusinessCalendar.parse(Map.of("mon", "17:00-09:00"), List.of()))
        .hasMessageContaining("business-hours.weekly.mon = '17:00-09:00'");
    assertThatThrownBy(() -> BusinessCalendar.parse(Map.of("monday", WEEKDAY), List.of()))
        .hasMessageContaining("the days are mon, tue");
    assertThatThrownBy(() -> BusinessCalendar.parse(Map.of("mon", WEEKDAY), List.of("25.12.")))
        .hasMessageContaining("holidays: expected yyyy-MM-dd");
  }
}
