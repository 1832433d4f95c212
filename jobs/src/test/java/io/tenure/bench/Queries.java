package io.tenure.bench;

/**
 * The straightforward SQL a user would write for Tenure's core tables, one independent query per
 * table, each reading the raw Parquet inputs again: once in Spark SQL (the "naive" contender) and
 * once in DuckDB's dialect. Definitions as in docs/metrics.md (month periods, UTC, churn after
 * {@code WINDOW} days without a purchase or at a cancellation); the result columns are the ones
 * compared with Tenure's tables.
 */
final class Queries {
  static final int WINDOW = 90;

  private Queries() {}

  /**
   * Cohort cells: cohort month, months since, cohort size, active customers, net revenue. A refund
   * counts only after the customer's first purchase (before it there is nothing to refund: Tenure
   * quarantines it).
   */
  static String cohort(Dialect d, String asOf) {
    return "with p as (select customer_id, occurred_at ts, "
        + d.date("occurred_at")
        + " d, amount, kind from "
        + d.table("transactions")
        + " where "
        + d.date("occurred_at")
        + " <= date '"
        + asOf
        + "'), firsts as (select customer_id, "
        + d.month("min(d)")
        + " cohort, min(ts) first_ts from p where kind = 'purchase' group by customer_id),"
        + " sizes as (select cohort, count(*) n from firsts group by cohort)"
        + " select f.cohort, "
        + d.monthsBetween(d.month("p.d"), "f.cohort")
        + " k, s.n,"
        + " count(distinct case when kind = 'purchase' then p.customer_id end) active,"
        + " round(cast(sum(case when kind = 'purchase' then amount else -amount end) as double), 4)"
        + " revenue from p join firsts f on p.customer_id = f.customer_id"
        + " and (p.kind = 'purchase' or p.ts >= f.first_ts)"
        + " join sizes s on s.cohort = f.cohort group by f.cohort, "
        + d.month("p.d")
        + ", s.n";
  }

  /**
   * Customers active at each month end, by a second definition of "active" (see CrossCheckTest):
   * the last purchase on or before the end is less than {@code WINDOW} days old and no cancellation
   * follows it up to the end. Written as a careful hand-writer would: each purchase is paired only
   * with the month ends it can keep active (at most four), not with every later month end.
   */
  static String churnAtEnd(Dialect d, String asOf, String firstMonth) {
    String as = "date '" + asOf + "'";
    return "with p as (select customer_id, occurred_at ts, "
        + d.date("occurred_at")
        + " d from "
        + d.table("transactions")
        + " where kind = 'purchase' and "
        + d.date("occurred_at")
        + " <= "
        + as
        + "), c as (select customer_id, cancelled_at ts from "
        + d.table("cancellations")
        + " where "
        + d.date("cancelled_at")
        + " <= "
        + as
        + "), pm as (select customer_id, ts, d, "
        + d.monthSeries(d.month("d"), d.month(d.plusDays("d", WINDOW - 1)))
        + " m from p), cand as (select customer_id, ts, d, m, least(last_day(m), "
        + as
        + ") b from pm where m >= date '"
        + firstMonth
        + "' and m <= "
        + d.month(as)
        + "), lastp as (select m, b, customer_id, max(ts) lp from cand where d <= b and "
        + d.daysBetween("d", "b")
        + " < "
        + WINDOW
        + " group by m, b, customer_id),"
        + " active as (select l.m, l.customer_id from lastp l where"
        + " not exists (select 1 from c where c.customer_id = l.customer_id"
        + " and c.ts > l.lp and "
        + d.date("c.ts")
        + " <= l.b))"
        + " select m, count(*) customers_at_end from active group by m";
  }

  /**
   * Time with customer (the handle measure) per month, channel and category: contacts, timed, mean,
   * the exact p50 and p90 at ranks {@code epsilon} below and above (the bracket an approximate
   * percentile with that relative rank error must fall in), max.
   */
  static String timeWithCustomer(Dialect d, String asOf, double epsilon) {
    return "with x as (select "
        + d.month(d.date("opened_at"))
        + " m, translate(lower(channel), '- ', '__') ch,"
        + " translate(lower(category), '- ', '__') cat, "
        // Point in time: a handle time is known at the close (or, without one, at the end of the
        // call); one learnt after the as-of day does not count.
        + "case when closed_at < timestamp '"
        + java.time.LocalDate.parse(asOf).plusDays(1)
        + " 00:00:00' or (closed_at is null and "
        + d.epoch("opened_at")
        + " + handle_seconds < "
        + d.epoch("timestamp '" + java.time.LocalDate.parse(asOf).plusDays(1) + " 00:00:00'")
        + ") then handle_seconds end s from "
        + d.table("interactions")
        + " where "
        + d.date("opened_at")
        + " <= date '"
        + asOf
        + "') select m, ch, cat, count(*) n, count(s) timed, round(avg(s), 6) mean, "
        + d.percentile("s", 0.5 - epsilon)
        + " p50_low, "
        + d.percentile("s", 0.5 + epsilon)
        + " p50_high, "
        + d.percentile("s", 0.9 - epsilon)
        + " p90_low, "
        + d.percentile("s", 0.9 + epsilon)
        + " p90_high, max(s) mx from x group by m, ch, cat";
  }

  /** The few places where Spark SQL and DuckDB differ. */
  interface Dialect {
    String table(String name);

    String date(String ts);

    String month(String date);

    String monthsBetween(String later, String earlier);

    String daysBetween(String earlier, String later);

    String monthSeries(String from, String to);

    String plusDays(String date, int days);

    String epoch(String ts);

    String percentile(String column, double p);
  }

  static final class SparkSql implements Dialect {
    @Override
    public String table(String name) {
      return "raw_" + name;
    }

    @Override
    public String date(String ts) {
      return "to_date(" + ts + ")";
    }

    @Override
    public String month(String date) {
      return "trunc(" + date + ", 'MM')";
    }

    @Override
    public String monthsBetween(String later, String earlier) {
      return "cast(months_between(" + later + ", " + earlier + ") as int)";
    }

    @Override
    public String daysBetween(String earlier, String later) {
      return "datediff(" + later + ", " + earlier + ")";
    }

    @Override
    public String monthSeries(String from, String to) {
      return "explode(sequence(" + from + ", " + to + ", interval 1 month))";
    }

    @Override
    public String plusDays(String date, int days) {
      return "date_add(" + date + ", " + days + ")";
    }

    @Override
    public String epoch(String ts) {
      return "cast(" + ts + " as double)";
    }

    @Override
    public String percentile(String column, double p) {
      return "percentile_disc(" + p + ") within group (order by " + column + ")";
    }
  }

  static final class DuckDb implements Dialect {
    private final String root;

    DuckDb(String root) {
      this.root = root;
    }

    @Override
    public String table(String name) {
      return "read_parquet('" + root + "/" + name + "/*.parquet')";
    }

    @Override
    public String date(String ts) {
      return "cast(" + ts + " as date)";
    }

    @Override
    public String month(String date) {
      return "cast(date_trunc('month', " + date + ") as date)";
    }

    @Override
    public String monthsBetween(String later, String earlier) {
      return "cast(date_diff('month', " + earlier + ", " + later + ") as int)";
    }

    @Override
    public String daysBetween(String earlier, String later) {
      return "date_diff('day', " + earlier + ", " + later + ")";
    }

    @Override
    public String monthSeries(String from, String to) {
      return "cast(unnest(generate_series(" + from + ", " + to + ", interval 1 month)) as date)";
    }

    @Override
    public String plusDays(String date, int days) {
      return "(" + date + " + " + days + ")";
    }

    @Override
    public String epoch(String ts) {
      return "epoch(" + ts + ")";
    }

    @Override
    public String percentile(String column, double p) {
      return "quantile_disc(" + column + ", " + p + ")";
    }
  }
}
