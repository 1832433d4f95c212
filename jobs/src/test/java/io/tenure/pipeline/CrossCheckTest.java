package io.tenure.pipeline;

import static io.tenure.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.ConfigLoader;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.generate.SampleGenerator;
import io.tenure.io.InputReader;
import io.tenure.metrics.ActivityBase;
import io.tenure.metrics.CohortRetention;
import io.tenure.metrics.ServiceKpis;
import io.tenure.metrics.TimeWithCustomer;
import io.tenure.testing.Churn;
import io.tenure.testing.SparkExtension;
import io.tenure.testing.Tables;
import io.tenure.validate.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenure's tables against independent plain-SQL formulations of the same definitions, on generated
 * data (a few hundred customers over two years, with cancellations, refunds and reactivations). The
 * SQL works from the raw files, not from Tenure's activity base or spells.
 */
@ExtendWith(SparkExtension.class)
class CrossCheckTest {
  static final LocalDate AS_OF = LocalDate.of(2024, 10, 15);
  static final int WINDOW = 60;

  @TempDir static Path dir;
  static TenureSettings settings;
  static Dataset<Row> tx;
  static Dataset<Row> cancels;
  static Dataset<Row> contacts;

  @BeforeAll
  static void generate(SparkSession spark) throws Exception {
    new SampleGenerator(600, 7, LocalDate.of(2023, 1, 1), 730).write(spark, dir.toString());
    Path conf = dir.resolve("x.conf");
    Files.writeString(
        conf,
        "tenure { inputs.transactions.path = \""
            + dir
            + "/transactions\"\n"
            + " inputs.cancellations.path = \""
            + dir
            + "/cancellations\"\n"
            + " inputs.interactions.path = \""
            + dir
            + "/interactions\"\n"
            + " output.path = \""
            + dir
            + "/out\"\n churn.inactivity-days = "
            + WINDOW
            + " }\n");
    settings = ConfigLoader.load(conf.toFile(), Map.of());
    InputReader reader = new InputReader(spark, settings);
    tx =
        Validation.read(spark, settings, settings.input(TableKind.TRANSACTIONS).orElseThrow())
            .clean(AS_OF);
    cancels =
        Validation.read(spark, settings, settings.input(TableKind.CANCELLATIONS).orElseThrow())
            .clean(AS_OF);
    contacts =
        Validation.read(spark, settings, settings.input(TableKind.INTERACTIONS).orElseThrow())
            .clean(AS_OF);
    spark.read().parquet(dir + "/transactions").createOrReplaceTempView("raw_tx");
    spark.read().parquet(dir + "/cancellations").createOrReplaceTempView("raw_cancels");
    spark.read().parquet(dir + "/interactions").createOrReplaceTempView("raw_contacts");
  }

  @Test
  void cohortRetentionEqualsSql(SparkSession spark) {
    ActivityBase base = ActivityBase.build(tx, Optional.empty(), settings.zone(), settings.grain());
    Dataset<Row> cells =
        CohortRetention.compute(
                base,
                settings.grain(),
                settings.cohort().anchor(),
                settings.cohort().breakdown(),
                AS_OF)
            .where("active_customers > 0 or revenue != 0");
    Dataset<Row> sql =
        spark.sql(
            "with p as (select customer_id, to_date(occurred_at) d, amount, kind from raw_tx"
                + "   where to_date(occurred_at) <= date'"
                + AS_OF
                + "'),"
                + " firsts as (select customer_id, trunc(min(d), 'MM') cohort from p"
                + "   where kind = 'purchase' group by customer_id),"
                + " sizes as (select cohort, count(*) n from firsts group by cohort)"
                + " select f.cohort, cast(months_between(trunc(p.d, 'MM'), f.cohort) as int) k,"
                + "   s.n, count(distinct case when kind = 'purchase' then p.customer_id end),"
                + "   cast(sum(case when kind = 'purchase' then amount else -amount end) as double)"
                + " from p join firsts f on p.customer_id = f.customer_id"
                + " join sizes s on s.cohort = f.cohort"
                + " group by f.cohort, trunc(p.d, 'MM'), s.n");
    List<String> expected = sorted(sql);
    assertThat(expected).hasSizeGreaterThan(100);
    assertThat(
            sorted(
                cells,
                "cohort_start",
                "period_index",
                "cohort_size",
                "active_customers",
                "cast(revenue as double)"))
        .isEqualTo(expected);
  }

  /**
   * Independent definition of churn state: at the end of day t a customer is active when their last
   * purchase on or before t was less than N days before t and no cancellation came after that
   * purchase by the end of t.
   */
  @Test
  void churnStatesAndNewCustomersEqualSql(SparkSession spark) {
    Dataset<Row> periods = churnPeriods();
    Dataset<Row> sql =
        spark.sql(
            activeAtMonthEnds()
                + ","
                + " firsts as (select customer_id, trunc(to_date(min(ts)), 'MM') m from p"
                + "   group by customer_id),"
                + " a as (select m, count(*) n from active group by m),"
                + " f as (select m, count(*) n from firsts group by m),"
                + " cc as (select trunc(to_date(ts), 'MM') m, count(*) n from c group by 1)"
                + " select e.m, coalesce(a.n, 0), coalesce(f.n, 0), coalesce(cc.n, 0)"
                + " from ends e left join a on a.m = e.m left join f on f.m = e.m"
                + " left join cc on cc.m = e.m"
                + " where e.m >= (select min(m) from firsts)");
    List<String> expected = sorted(sql);
    assertThat(expected).hasSize(22);
    assertThat(
            sorted(periods, "period_start", "customers_at_end", "new_customers", "cancellations"))
        .isEqualTo(expected);
    assertThat(periods.where("churned_customers > 0 and reactivated_customers > 0").count())
        .isGreaterThan(3);
  }

  /**
   * Revenue retention from the same independent churn state: the base of month m is the customers
   * active at the end of month m - 1, valued at their net revenue in m - 1.
   */
  @Test
  void revenueRetentionEqualsSql(SparkSession spark) {
    Dataset<Row> periods = churnPeriods();
    Dataset<Row> sql =
        spark.sql(
            activeAtMonthEnds()
                + ", rev as (select customer_id, trunc(to_date(occurred_at), 'MM') m,"
                + "   sum(case when kind = 'purchase' then abs(amount) else -abs(amount) end) r"
                + "   from raw_tx where to_date(occurred_at) <= date'"
                + AS_OF
                + "' group by 1, 2),"
                + " b as (select add_months(m, 1) m, customer_id from active)"
                + " select b.m, cast(sum(coalesce(prev.r, 0)) as double),"
                + "   cast(sum(least(coalesce(cur.r, 0), coalesce(prev.r, 0))) as double),"
                + "   cast(sum(coalesce(cur.r, 0)) as double)"
                + " from b left join rev prev on prev.customer_id = b.customer_id"
                + "   and prev.m = add_months(b.m, -1)"
                + " left join rev cur on cur.customer_id = b.customer_id and cur.m = b.m"
                + " where b.m <= date'"
                + AS_OF
                + "' group by b.m");
    List<String> expected = sorted(sql);
    assertThat(expected).hasSizeGreaterThan(20);
    assertThat(
            sorted(
                periods.where("customers_at_start > 0"),
                "period_start",
                "cast(base_revenue as double)",
                "cast(base_revenue_retained_gross as double)",
                "cast(base_revenue_retained_net as double)"))
        .isEqualTo(expected);
  }

  /** Tenure's churn_rates for the generated data, as of AS_OF. */
  private static Dataset<Row> churnPeriods() {
    return Churn.ofTransactions(
            tx, Optional.of(cancels), settings.churn(), settings.grain(), settings.zone(), AS_OF)
        .periods();
  }

  /**
   * CTEs p (purchases), c (cancellations), months, ends (each month's last day up to as-of) and
   * active (m, customer_id): customers active at the end of month m, by the second formulation.
   */
  private static String activeAtMonthEnds() {
    String asOf = "date'" + AS_OF + "'";
    return "with p as (select customer_id, occurred_at ts from raw_tx"
        + "   where kind = 'purchase' and to_date(occurred_at) <= "
        + asOf
        + "),"
        + " c as (select customer_id, cancelled_at ts from raw_cancels"
        + "   where to_date(cancelled_at) <= "
        + asOf
        + "),"
        + " months as (select explode(sequence(date'2023-01-01', trunc("
        + asOf
        + ", 'MM'), interval 1 month)) m),"
        + " ends as (select m, least(last_day(m), "
        + asOf
        + ") b from months),"
        + " lastp as (select e.m, e.b, p.customer_id, max(p.ts) lp from ends e"
        + "   join p on to_date(p.ts) <= e.b group by e.m, e.b, p.customer_id),"
        + " active as (select l.m, l.customer_id from lastp l"
        + "   where datediff(l.b, to_date(l.lp)) < "
        + WINDOW
        + "   and not exists (select 1 from c where c.customer_id = l.customer_id"
        + "     and c.ts > l.lp and to_date(c.ts) <= l.b))";
  }

  @Test
  void timeWithCustomerEqualsSqlWithExactPercentiles(SparkSession spark) {
    Dataset<Row> stats =
        TimeWithCustomer.compute(
                contacts, settings.timeWithCustomer(), settings.grain(), settings.zone())
            .stats();
    // Every rollup level: the coarse groups are where percentiles are assembled from counts.
    Dataset<Row> sql =
        spark.sql(
            "with c as (select trunc(to_date(opened_at), 'MM') m,"
                // Enum values are compared normalised: lower case, '-' and ' ' as '_'.
                + "   translate(lower(channel), '- ', '__') ch,"
                + "   translate(lower(category), '- ', '__') cat, handle_seconds,"
                + "   cast(closed_at as double) - cast(opened_at as double) elapsed"
                + "   from raw_contacts where to_date(opened_at) <= date'"
                + AS_OF
                + "'),"
                + " d as (select m, ch, cat, 'handle' measure, handle_seconds s from c"
                + "   union all select m, ch, cat, 'elapsed', elapsed from c)"
                + " select measure, m, if(grouping(ch) = 1, 'all', ch),"
                + "   if(grouping(cat) = 1, 'all', cat), count(*), count(s), avg(s),"
                + "   percentile_disc(0.5) within group (order by s),"
                + "   percentile_disc(0.75) within group (order by s),"
                + "   percentile_disc(0.9) within group (order by s),"
                + "   percentile_disc(0.95) within group (order by s),"
                + "   percentile_disc(0.99) within group (order by s), max(s),"
                + "   coalesce(sum(s), 0) / 3600"
                + " from d group by measure, rollup(m, ch, cat)");
    assertThat(sql.count()).isGreaterThan(50);
    Tables.assertApproximatelyEqual(
        sql,
        stats.select(
            "measure",
            "period_start",
            "channel",
            "category",
            "interactions",
            "timed_interactions",
            "mean_seconds",
            "p50_seconds",
            "p75_seconds",
            "p90_seconds",
            "p95_seconds",
            "p99_seconds",
            "max_seconds",
            "total_hours"),
        1e-6);
  }

  @Test
  void serviceKpisEqualSql(SparkSession spark) {
    Dataset<Row> kpis =
        ServiceKpis.compute(
                contacts,
                ActivityBase.build(tx, Optional.empty(), settings.zone(), settings.grain()),
                settings.service(),
                settings.timeWithCustomer().percentileAccuracy(),
                settings.grain(),
                settings.zone())
            .where("level = 'period_channel'");
    // Default targets: phone 60 s, chat 120 s, email 24 h; other channels expect no answer.
    Dataset<Row> sql =
        spark.sql(
            "with c as (select *, translate(lower(channel), '- ', '__') ch,"
                + "   cast(first_response_at as double) - cast(opened_at as double) r,"
                + "   case translate(lower(channel), '- ', '__') when 'phone' then 60"
                + "     when 'chat' then 120 when 'email' then 86400 end target"
                + "   from raw_contacts where to_date(opened_at) <= date'"
                + AS_OF
                + "'),"
                + " n as (select *, lead(opened_at) over (partition by customer_id, category"
                + "   order by opened_at, interaction_id) next_at from c)"
                + " select trunc(to_date(opened_at), 'MM') m, ch, count(*),"
                + "   count(distinct customer_id),"
                + "   sum(case when target is not null and first_response_at is not null"
                + "     then 1 else 0 end),"
                + "   sum(case when target is not null and first_response_at is null"
                + "     and closed_at is not null then 1 else 0 end),"
                + "   sum(case when r <= target then 1 else 0 end),"
                + "   sum(case when coalesce(resolved, closed_at is not null) then 1 else 0 end),"
                + "   sum(case when next_at <= opened_at + interval 7 days then 1 else 0 end),"
                + "   sum(case when coalesce(resolved, closed_at is not null) and (next_at is null"
                + "     or next_at > opened_at + interval 7 days) then 1 else 0 end),"
                + "   count(csat), round(avg(csat), 6), sum(case when nps >= 9 then 1 else 0 end),"
                + "   sum(case when nps <= 6 then 1 else 0 end), count(nps)"
                + " from n group by 1, 2");
    List<String> expected = sorted(sql);
    assertThat(expected).hasSizeGreaterThan(50);
    assertThat(
            sorted(
                kpis,
                "period_start",
                "channel",
                "contacts",
                "customers",
                "answered",
                "abandoned",
                "within_target",
                "resolved",
                "repeat_contacts",
                "first_contact_resolved",
                "csat_responses",
                "round(csat_mean, 6)",
                "promoters",
                "detractors",
                "nps_responses"))
        .isEqualTo(expected);
  }
}
