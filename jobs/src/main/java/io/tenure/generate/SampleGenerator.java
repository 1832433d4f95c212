package io.tenure.generate;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Deterministic synthetic data with realistic shapes, written as the four input tables.
 *
 * <p>Every random draw is a hash of (seed, customer, draw name, index), so the output depends only
 * on the parameters, not on partitioning or the number of cores. Shapes: acquisition with two
 * campaign waves, growth and a November–December peak; purchases that thin out over tenure;
 * lognormal amounts; refunds; subscribers who cancel (voluntarily or not); some reactivations;
 * customers in five countries whose local hours map to different UTC hours; interactions on four
 * channels with lognormal (heavy-tailed) response and handle times, missing CSAT/NPS, some open
 * contacts. A latent service-quality score per customer lowers lifetime, resolution and
 * satisfaction together, so that service experience and churn are related in the data.
 *
 * @param customers number of customers
 * @param seed random seed
 * @param start first day of the simulated horizon (UTC)
 * @param days length of the horizon in days
 */
public record SampleGenerator(long customers, long seed, LocalDate start, int days) {

  public SampleGenerator {
    if (customers < 1) {
      throw new IllegalArgumentException("customers must be at least 1");
    }
    if (days < 28) {
      throw new IllegalArgumentException("days must be at least 28");
    }
  }

  /** The four tables, lazily defined. */
  public record Tables(
      Dataset<Row> transactions,
      Dataset<Row> cancellations,
      Dataset<Row> interactions,
      Dataset<Row> customers) {}

  public Tables build(SparkSession spark) {
    Draws draws = new Draws(seed, start);
    String end = "timestamp'" + start.plusDays(days) + " 00:00:00'";
    Dataset<Row> base =
        spark
            .range(customers)
            .selectExpr(
                "id as cid",
                "concat('C', lpad(cast(id as string), 7, '0')) as customer_id",
                draws.u("country", "id") + " as u_country",
                draws.u("segment", "id") + " as u_segment",
                draws.u("wave", "id") + " as u_wave",
                draws.u("acq", "id") + " as u_acq",
                draws.u("season", "id") + " as u_season",
                draws.u("quality", "id") + " as q",
                draws.u("sub", "id") + " < 0.45 as subscriber",
                draws.u("life", "id") + " as u_life",
                draws.u("react", "id") + " < 0.12 as reactivates")
            .selectExpr(
                "*",
                "case when u_country < 0.30 then 'DE' when u_country < 0.60 then 'US'"
                    + " when u_country < 0.75 then 'GB' when u_country < 0.85 then 'JP'"
                    + " else 'BR' end as country",
                "case when u_country < 0.30 then 1 when u_country < 0.60 then -5"
                    + " when u_country < 0.75 then 0 when u_country < 0.85 then 9 else -3 end"
                    + " as tz",
                "case when u_segment < 0.70 then 'consumer' when u_segment < 0.92 then 'smb'"
                    + " else 'enterprise' end as segment",
                // Two campaign waves, growth towards the end, and a year-end peak.
                "cast(case when u_wave < 0.12 then 100 + u_acq * 14"
                    + " when u_wave < 0.24 then 465 + u_acq * 14"
                    + " when u_season < 0.18 then least(floor(u_acq * 2) * 365 + 304 + u_wave * 60,"
                    + (days - 1)
                    + ") else "
                    + days
                    + " * pow(u_acq, 0.8) end as int) as acq_day")
            .selectExpr(
                "*",
                "case segment when 'enterprise' then 1.6 when 'smb' then 1.2 else 1.0 end as seg_f",
                "-ln(u_life) * 260 * (0.4 + q) * case segment when 'enterprise' then 1.6"
                    + " when 'smb' then 1.2 else 1.0 end as life_days");
    base =
        base.selectExpr(
            "*",
            "least(80, 1 + cast(life_days / (32 / seg_f) + "
                + draws.u("extra", "cid")
                + " * 2 as int))"
                + " as n_purchases",
            "cast(life_days + 30 + " + draws.u("gap", "cid") + " * 300 as int) as react_day");

    Dataset<Row> firstLife =
        base.selectExpr("*", "explode(sequence(0, n_purchases - 1)) as k")
            .selectExpr(
                "*",
                "case when k = 0 then 0 else floor(life_days * pow("
                    + draws.u("t", "cid", "k")
                    + ", 1.6)) end as offset");
    Dataset<Row> secondLife =
        base.where("reactivates")
            .selectExpr(
                "*",
                "explode(sequence(100, 100 + cast(" + draws.u("n2", "cid") + " * 5 as int))) as k")
            .selectExpr("*", "react_day + floor(90 * " + draws.u("t2", "cid", "k") + ") as offset");
    Dataset<Row> purchases =
        firstLife
            .unionByName(secondLife)
            .selectExpr(
                "*",
                "concat('T', cid, '-', k) as transaction_id",
                draws.ts(
                        "acq_day + offset",
                        "8 + " + draws.u("hour", "cid", "k") + " * 14",
                        "tz",
                        draws.u("sec", "cid", "k") + " * 3600")
                    + " as occurred_at",
                "cast(round(exp(3.4 + 0.7 * "
                    + draws.z("amount", "cid", "k")
                    + ") * seg_f, 2) as decimal(12,2)) as amount",
                "case when "
                    + draws.u("ch", "cid", "k")
                    + " < 0.55 then 'web' when "
                    + draws.u("ch", "cid", "k")
                    + " < 0.85 then 'app' else 'store' end as channel")
            .where("occurred_at < " + end);
    Dataset<Row> refunds =
        purchases
            .where(draws.u("refund", "cid", "k") + " < 0.06")
            .selectExpr(
                "concat(transaction_id, '-R') as transaction_id",
                "customer_id",
                "occurred_at + make_interval(0, 0, 0, cast(1 + "
                    + draws.u("rdays", "cid", "k")
                    + " * 20 as int), 0, 0, 0) as occurred_at",
                "cast(case when "
                    + draws.u("partial", "cid", "k")
                    + " < 0.8 then amount else round(amount / 2, 2) end as decimal(12,2))"
                    + " as amount",
                "'EUR' as currency",
                "'refund' as kind",
                "channel")
            .where("occurred_at < " + end);
    Dataset<Row> transactions =
        purchases
            .selectExpr(
                "transaction_id",
                "customer_id",
                "occurred_at",
                "amount",
                "'EUR' as currency",
                "'purchase' as kind",
                "channel")
            .unionByName(refunds);

    Dataset<Row> cancellations =
        base.where("subscriber")
            .selectExpr(
                "customer_id",
                draws.ts(
                        "acq_day + life_days + 1",
                        "9 + " + draws.u("chour", "cid") + " * 12",
                        "tz",
                        "0")
                    + " as cancelled_at",
                draws.u("ckind", "cid") + " < 0.25 as involuntary",
                draws.u("creason", "cid") + " as r",
                "q")
            .selectExpr(
                "customer_id",
                "cancelled_at",
                "case when involuntary then 'involuntary' else 'voluntary' end as kind",
                "case when involuntary then (case when r < 0.7 then 'payment_failed'"
                    + " else 'card_expired' end)"
                    + " when r < 0.25 + 0.3 * (1 - q) then 'poor_service'"
                    + " when r < 0.55 then 'too_expensive' when r < 0.75 then 'switched_competitor'"
                    + " when r < 0.88 then 'no_longer_needed' else 'moved' end as reason")
            .where("cancelled_at < " + end);

    Dataset<Row> interactions =
        base.selectExpr(
                "*",
                "least(40, cast(-ln("
                    + draws.u("ni", "cid")
                    + ") * (0.6 + 1.6 * (1 - q))"
                    + " * (life_days / 365.0 + 0.3) as int)) as n_contacts")
            .where("n_contacts > 0")
            .selectExpr("*", "explode(sequence(1, n_contacts)) as k")
            .selectExpr(
                "*",
                draws.u("ich", "cid", "k") + " as u_ch",
                "case when "
                    + draws.u("icat", "cid", "k")
                    + " < 0.3 then 'billing' when "
                    + draws.u("icat", "cid", "k")
                    + " < 0.55 then 'delivery' when "
                    + draws.u("icat", "cid", "k")
                    + " < 0.7 then 'returns' when "
                    + draws.u("icat", "cid", "k")
                    + " < 0.9 then 'technical' else 'account' end"
                    + " as category",
                draws.ts(
                        "acq_day + floor((life_days + 30) * " + draws.u("iday", "cid", "k") + ")",
                        "7 + " + draws.u("ihour", "cid", "k") + " * 14",
                        "tz",
                        draws.u("isec", "cid", "k") + " * 3600")
                    + " as opened_at")
            .selectExpr(
                "*",
                "case when u_ch < 0.35 then 'phone' when u_ch < 0.65 then 'email'"
                    + " when u_ch < 0.90 then 'chat' else 'self-service' end as channel")
            .selectExpr(
                "*",
                // Median first response: phone 45 s, chat 90 s, email 6 h; self-service none.
                "case when channel = 'self-service' or "
                    + draws.u("unanswered", "cid", "k")
                    + " < 0.03 then null else exp(ln(case channel when 'phone' then 45"
                    + " when 'chat' then 90 else 21600 end) + 0.9 * "
                    + draws.z("resp", "cid", "k")
                    + ") end as response_s",
                // Median handle time: phone 6 min, chat 10 min, email 15 min, self-service 2 min.
                "exp(ln(case channel when 'phone' then 360 when 'chat' then 600"
                    + " when 'email' then 900 else 120 end) + 0.8 * "
                    + draws.z("handle", "cid", "k")
                    + ") as handle_s",
                draws.u("open", "cid", "k") + " < 0.04 as still_open",
                draws.u("resolved", "cid", "k") + " < 0.95 - 0.45 * (1 - q) as resolved")
            .selectExpr(
                "concat('I', cid, '-', k) as interaction_id",
                "customer_id",
                "channel",
                "category",
                "opened_at",
                "case when response_s is null then null"
                    + " else opened_at + make_interval(0, 0, 0, 0, 0, 0, round(response_s, 3))"
                    + " end as first_response_at",
                "case when still_open then null else opened_at + make_interval(0, 0, 0, 0, 0, 0,"
                    + " round(coalesce(response_s, 0) + handle_s, 3)) end as closed_at",
                "case when channel in ('phone', 'chat') and not still_open"
                    + " then round(handle_s, 1) end as handle_seconds",
                "concat('A', lpad(cast(floor("
                    + draws.u("agent", "cid", "k")
                    + " * 200) as string), 3, '0')) as agent_id",
                "case when still_open then false else resolved end as resolved",
                "case when "
                    + draws.u("csat_p", "cid", "k")
                    + " < 0.35 then cast(greatest(1, least(5,"
                    + " round(2.4 + 2.2 * q + case when resolved then 0.6 else -1.2 end + 0.8 * "
                    + draws.z("csat", "cid", "k")
                    + "))) as int) end as csat",
                "case when "
                    + draws.u("nps_p", "cid", "k")
                    + " < 0.2 then cast(greatest(0, least(10,"
                    + " round(4.5 + 5 * q + case when resolved then 0.5 else -2 end + 1.8 * "
                    + draws.z("nps", "cid", "k")
                    + "))) as int) end as nps")
            .where("opened_at < " + end);

    Dataset<Row> customerTable =
        base.selectExpr(
                "customer_id",
                draws.ts(
                        "acq_day - floor(" + draws.u("signup", "cid") + " * 5)",
                        "8 + " + draws.u("shour", "cid") + " * 14",
                        "tz",
                        "0")
                    + " as signup_at",
                "segment",
                "country")
            .where("signup_at < " + end);
    return new Tables(transactions, cancellations, interactions, customerTable);
  }

  /** Writes the four tables under {@code out} as Parquet, replacing what is there. */
  public void write(SparkSession spark, String out) {
    SampleFiles.write(build(spark), out, (int) Math.max(1, customers / 250_000));
  }

  /**
   * Writes the tables like {@link #write}, the three event tables laid out by date ({@link
   * SampleFiles#writePartitioned}).
   */
  public void writePartitioned(SparkSession spark, String out) {
    SampleFiles.writePartitioned(build(spark), out);
  }
}
