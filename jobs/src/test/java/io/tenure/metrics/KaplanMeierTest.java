package io.tenure.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tenure.testing.SparkExtension;
import io.tenure.testing.Tables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Kaplan–Meier on the textbook data set: remission times in weeks of 42 leukaemia patients (Gehan
 * 1965, Freireich et al. 1963), 21 on 6-mercaptopurine (censored times marked +) and 21 on placebo.
 * The published results (Kleinbaum and Klein, Survival Analysis, 3rd ed., ch. 2; R's survfit with
 * conf.type = "log-log" and survdiff): 6-MP S = 0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448 at
 * 6, 7, 10, 13, 16, 22, 23 weeks, Greenwood standard errors 0.0764 ... 0.1346, log-log 95 % limits
 * (0.620, 0.952) ... (0.188, 0.680); medians 23 (6-MP) and 8 (placebo); log-rank χ² = 16.79 on 1
 * degree of freedom, p = 4.17e-5, expected events 19.25 on 6-MP against 9 observed.
 */
@ExtendWith(SparkExtension.class)
class KaplanMeierTest {
  private static final String TREATED =
      "6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+";
  private static final String PLACEBO = "1 1 2 2 3 4 4 5 5 8 8 8 8 11 11 12 12 15 17 22 23";

  private static final StructType SUBJECTS =
      new StructType()
          .add(KaplanMeier.GROUP_TYPE, DataTypes.StringType)
          .add(KaplanMeier.GROUP_VALUE, DataTypes.StringType)
          .add(KaplanMeier.TIME, DataTypes.IntegerType)
          .add(KaplanMeier.EVENT, DataTypes.BooleanType);

  private static List<Row> group(String type, String value, String times) {
    List<Row> rows = new ArrayList<>();
    for (String t : times.split(" ")) {
      boolean censored = t.endsWith("+");
      rows.add(RowFactory.create(type, value, Integer.parseInt(t.replace("+", "")), !censored));
    }
    return rows;
  }

  private static Dataset<Row> gehan(SparkSession spark) {
    List<Row> rows = new ArrayList<>(group("treatment", "6-MP", TREATED));
    rows.addAll(group("treatment", "placebo", PLACEBO));
    return spark.createDataFrame(rows, SUBJECTS);
  }

  @Test
  void reproducesThePublishedCurveWithGreenwoodErrorsAndLogLogLimits(SparkSession spark) {
    List<Row> curve =
        KaplanMeier.curves(gehan(spark))
            .where("group_value = '6-MP' and events > 0")
            .orderBy("time")
            .collectAsList();
    // time, at risk, events, S, Greenwood SE, lower, upper (published, 3-4 decimals)
    double[][] published = {
      {6, 21, 3, 0.857, 0.0764, 0.620, 0.952},
      {7, 17, 1, 0.807, 0.0869, 0.563, 0.923},
      {10, 15, 1, 0.753, 0.0963, 0.503, 0.889},
      {13, 12, 1, 0.690, 0.1068, 0.432, 0.849},
      {16, 11, 1, 0.627, 0.1141, 0.368, 0.805},
      {22, 7, 1, 0.538, 0.1282, 0.268, 0.747},
      {23, 6, 1, 0.448, 0.1346, 0.188, 0.680}
    };
    assertThat(curve).hasSize(published.length);
    for (int i = 0; i < published.length; i++) {
      Row r = curve.get(i);
      double[] p = published[i];
      assertThat(r.<Integer>getAs("time")).isEqualTo((int) p[0]);
      assertThat(r.<Long>getAs("at_risk")).isEqualTo((long) p[1]);
      assertThat(r.<Long>getAs("events")).isEqualTo((long) p[2]);
      assertThat(r.<Double>getAs("survival")).as("S at %s", p[0]).isCloseTo(p[3], within(5e-4));
      assertThat(r.<Double>getAs("std_err")).as("SE at %s", p[0]).isCloseTo(p[4], within(5e-5));
      assertThat(r.<Double>getAs("ci_low")).as("lower at %s", p[0]).isCloseTo(p[5], within(5e-4));
      assertThat(r.<Double>getAs("ci_high")).as("upper at %s", p[0]).isCloseTo(p[6], within(5e-4));
    }
    // Exact products: 18/21, then × 16/17, 14/15, 11/12, 10/11, 6/7, 5/6.
    assertThat(curve.get(6).<Double>getAs("survival"))
        .isCloseTo(
            18.0 / 21 * 16 / 17 * 14 / 15 * 11 / 12 * 10 / 11 * 6 / 7 * 5 / 6, within(1e-12));
  }

  @Test
  void censoredOnlyTimesKeepTheCurveAndCountAsAtRiskAtTheirTime(SparkSession spark) {
    // At 10 one event and one censoring: both were at risk (15); at 9 only a censoring.
    Dataset<Row> rows =
        KaplanMeier.curves(gehan(spark))
            .where("group_value = '6-MP' and time in (9, 10, 11)")
            .select("time", "at_risk", "events", "censored", "survival");
    StructType shape =
        new StructType()
            .add("time", DataTypes.IntegerType)
            .add("at_risk", DataTypes.LongType)
            .add("events", DataTypes.LongType)
            .add("censored", DataTypes.LongType)
            .add("survival", DataTypes.DoubleType);
    Dataset<Row> expected =
        spark.createDataFrame(
            List.of(
                RowFactory.create(9, 16L, 0L, 1L, 18.0 / 21 * 16 / 17),
                RowFactory.create(10, 15L, 1L, 1L, 18.0 / 21 * 16 / 17 * 14 / 15),
                RowFactory.create(11, 13L, 0L, 1L, 18.0 / 21 * 16 / 17 * 14 / 15)),
            shape);
    Tables.assertApproximatelyEqual(expected, rows, 1e-12);
  }

  @Test
  void mediansRestrictedMeansAndTheLogRankTest(SparkSession spark) {
    Dataset<Row> subjects = gehan(spark);
    List<Row> summary =
        KaplanMeier.summary(KaplanMeier.curves(subjects), 35)
            .orderBy("group_value")
            .collectAsList();
    Row treated = summary.get(0);
    Row placebo = summary.get(1);
    assertThat(treated.<Long>getAs("subjects")).isEqualTo(21L);
    assertThat(treated.<Long>getAs("events")).isEqualTo(9L);
    assertThat(treated.<Long>getAs("censored")).isEqualTo(12L);
    assertThat(treated.<Integer>getAs("median_time")).isEqualTo(23);
    assertThat(placebo.<Integer>getAs("median_time")).isEqualTo(8);
    // Area under the 6-MP step curve up to its last time, 35: 6 × 1 + 1 × 18/21 + 3 × S(7)
    // + 3 × S(10) + 3 × S(13) + 6 × S(16) + 1 × S(22) + 12 × S(23).
    double s7 = 18.0 / 21 * 16 / 17;
    double s10 = s7 * 14 / 15;
    double s13 = s10 * 11 / 12;
    double s16 = s13 * 10 / 11;
    double s22 = s16 * 6 / 7;
    double s23 = s22 * 5 / 6;
    double rmst = 6 + 18.0 / 21 + 3 * s7 + 3 * s10 + 3 * s13 + 6 * s16 + s22 + 12 * s23;
    assertThat(treated.<Double>getAs("rmst")).isCloseTo(rmst, within(1e-9));
    assertThat(treated.<Integer>getAs("rmst_horizon")).isEqualTo(35);
    // Every placebo patient relapsed by week 23: S reaches 0, so the area runs to the horizon.
    assertThat(placebo.<Integer>getAs("rmst_horizon")).isEqualTo(35);
    assertThat(treated.<Double>getAs("logrank_expected")).isCloseTo(19.25, within(0.005));
    assertThat(placebo.<Double>getAs("logrank_expected")).isCloseTo(10.75, within(0.005));
    assertThat(treated.<Double>getAs("logrank_chi2")).isCloseTo(16.79, within(0.005));
    assertThat(placebo.<Double>getAs("logrank_chi2")).isCloseTo(16.79, within(0.005));
    assertThat(treated.<Double>getAs("logrank_p_value")).isCloseTo(4.17e-5, within(0.005e-5));
  }

  @Test
  void allCensoredAndAGroupOfOne(SparkSession spark) {
    List<Row> rows = new ArrayList<>(group("cohort", "all-censored", "3+ 5+ 5+"));
    rows.addAll(group("cohort", "one", "4"));
    Dataset<Row> subjects = spark.createDataFrame(rows, SUBJECTS);
    Dataset<Row> curves = KaplanMeier.curves(subjects);
    assertThat(
            curves
                .orderBy("group_value", "time")
                .select(
                    "group_value", "time", "at_risk", "survival", "std_err", "ci_low", "ci_high")
                .collectAsList()
                .toString())
        .isEqualTo(
            "[[all-censored,3,3,1.0,0.0,null,null], [all-censored,5,2,1.0,0.0,null,null],"
                + " [one,4,1,0.0,null,null,null]]");
    List<Row> summary = KaplanMeier.summary(curves, 12).orderBy("group_value").collectAsList();
    // Never below one half: no median; S = 1 up to the last time 5.
    assertThat(summary.get(0).toString()).startsWith("[cohort,all-censored,3,0,3,null,5.0,5,");
    // The single subject died at 4: S = 1 until 4, then 0 to the horizon.
    assertThat(summary.get(1).toString()).startsWith("[cohort,one,1,1,0,4,4.0,12,");
    // Two groups: each against the other. At 4, 3 at risk (2 of them censored later), 1 event.
    assertThat(summary.get(1).<Double>getAs("logrank_expected")).isCloseTo(1.0 / 3, within(1e-12));
  }
}
