package io.tenure.config;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The validated configuration of one Tenure run. Built once by {@link ConfigLoader}; code past the
 * loader relies on these invariants and never sees raw configuration.
 *
 * <p>Precedence, highest first: command-line flags ({@code --as-of}, {@code --only}), {@code -D
 * key=value} overrides, the configuration file, environment variables referenced from it with
 * {@code ${?VAR}}, and the defaults in {@code reference.conf}.
 *
 * @param inputs the configured input tables; transactions is always present
 * @param outputPath the root directory of the output tables
 * @param jdbc publish the newest tables to PostgreSQL too, when present
 * @param iceberg publish the tables as Iceberg tables in a catalog too, when present
 * @param zone business time zone: period boundaries are local midnights in this zone
 * @param naiveInputZone the zone that timestamps without time zone (TIMESTAMP_NTZ, or strings
 *     without an offset) are read in
 * @param asOf the last day (in {@code zone}) of data to use; empty means the last event date
 * @param grain the reporting period
 * @param cohort cohort retention settings
 * @param churn churn settings
 * @param timeWithCustomer time-with-customer settings
 * @param service service KPI and retention-driver settings
 * @param survival survival-curve settings
 * @param churnRisk churn-risk model settings
 * @param quality which rows are usable, and how many unusable ones a run tolerates
 * @param privacy pseudonymisation of customer ids in the outputs
 * @param sparkConf extra Spark settings applied to the session Tenure creates
 * @param progressInterval how often a running stage logs that it is still running (zero = never)
 * @param incremental how incremental runs read the inputs and keep their state
 * @param digest SHA-256 of the resolved configuration, recorded in the run manifest
 */
public record TenureSettings(
    Map<TableKind, InputSettings> inputs,
    String outputPath,
    Optional<JdbcSettings> jdbc,
    Optional<IcebergSettings> iceberg,
    LockSettings lock,
    ZoneId zone,
    ZoneId naiveInputZone,
    Optional<LocalDate> asOf,
    Grain grain,
    CohortSettings cohort,
    ChurnSettings churn,
    TimeWithCustomerSettings timeWithCustomer,
    ServiceSettings service,
    SurvivalSettings survival,
    ChurnRiskSettings churnRisk,
    QualitySettings quality,
    PrivacySettings privacy,
    Map<String, String> sparkConf,
    java.time.Duration progressInterval,
    IncrementalSettings incremental,
    String digest) {

  public TenureSettings {
    inputs = Map.copyOf(new EnumMap<>(inputs));
    if (!inputs.containsKey(TableKind.TRANSACTIONS)
        && !inputs.containsKey(TableKind.INTERACTIONS)) {
      throw new IllegalArgumentException("the transactions or the interactions input is required");
    }
    Objects.requireNonNull(outputPath, "outputPath");
    Objects.requireNonNull(jdbc, "jdbc");
    Objects.requireNonNull(iceberg, "iceberg");
    Objects.requireNonNull(lock, "lock");
    Objects.requireNonNull(zone, "zone");
    Objects.requireNonNull(naiveInputZone, "naiveInputZone");
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(grain, "grain");
    Objects.requireNonNull(cohort, "cohort");
    Objects.requireNonNull(churn, "churn");
    Objects.requireNonNull(timeWithCustomer, "timeWithCustomer");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(survival, "survival");
    Objects.requireNonNull(churnRisk, "churnRisk");
    Objects.requireNonNull(quality, "quality");
    Objects.requireNonNull(privacy, "privacy");
    Objects.requireNonNull(incremental, "incremental");
    sparkConf = Map.copyOf(sparkConf);
    if (progressInterval.isNegative()) {
      throw new IllegalArgumentException(
          "progress-interval must not be negative, got " + progressInterval);
    }
  }

  public Optional<InputSettings> input(TableKind table) {
    return Optional.ofNullable(inputs.get(table));
  }

  public boolean has(TableKind table) {
    return inputs.containsKey(table);
  }

  /** A copy with a different as-of date (the CLI flag wins over the file). */
  public TenureSettings withAsOf(LocalDate date) {
    return new TenureSettings(
        inputs,
        outputPath,
        jdbc,
        iceberg,
        lock,
        zone,
        naiveInputZone,
        Optional.of(date),
        grain,
        cohort,
        churn,
        timeWithCustomer,
        service,
        survival,
        churnRisk,
        quality,
        privacy,
        sparkConf,
        progressInterval,
        incremental,
        digest);
  }

  /** A copy whose churn-risk tables are scored with a saved model ({@code score}). */
  public TenureSettings withChurnRisk(ChurnRiskSettings risk) {
    return new TenureSettings(
        inputs,
        outputPath,
        jdbc,
        iceberg,
        lock,
        zone,
        naiveInputZone,
        asOf,
        grain,
        cohort,
        churn,
        timeWithCustomer,
        service,
        survival,
        risk,
        quality,
        privacy,
        sparkConf,
        progressInterval,
        incremental,
        digest);
  }

  /**
   * The exclusive lock of one output path (docs/operations.md, "Concurrent runs").
   *
   * @param waitFor how long a run waits for another run of the same output path to finish; zero
   *     fails at once
   * @param lease a lock whose holder has not renewed it for this long is taken as abandoned (its
   *     run was killed on another machine) and broken
   */
  public record LockSettings(java.time.Duration waitFor, java.time.Duration lease) {
    public LockSettings {
      if (waitFor.isNegative()) {
        throw new IllegalArgumentException("lock-wait must not be negative, got " + waitFor);
      }
      if (lease.compareTo(java.time.Duration.ofSeconds(10)) < 0) {
        throw new IllegalArgumentException("lock-lease must be at least 10s, got " + lease);
      }
    }
  }

  /**
   * Cohort retention settings.
   *
   * @param anchor what puts a customer into a cohort
   * @param breakdown optional customer dimension
   */
  public record CohortSettings(CohortAnchor anchor, Breakdown breakdown) {
    public CohortSettings {
      Objects.requireNonNull(anchor, "anchor");
      Objects.requireNonNull(breakdown, "breakdown");
    }
  }

  /**
   * Churn settings.
   *
   * @param inactivityDays a customer with no purchase for this many days after their last one has
   *     churned on the last of those days
   * @param denominator the churn-rate denominator
   * @param revenueLookbackDays churned revenue sums a churned customer's net revenue over this many
   *     days up to the churn date
   */
  public record ChurnSettings(
      int inactivityDays, ChurnDenominator denominator, int revenueLookbackDays) {
    public ChurnSettings {
      if (inactivityDays < 1) {
        throw new IllegalArgumentException(
            "inactivity-days must be at least 1, got " + inactivityDays);
      }
      if (revenueLookbackDays < 1) {
        throw new IllegalArgumentException(
            "revenue-lookback-days must be at least 1, got " + revenueLookbackDays);
      }
      Objects.requireNonNull(denominator, "denominator");
    }
  }

  /**
   * Time-with-customer settings.
   *
   * @param percentileAccuracy empty: exact percentiles (the default); else Spark's
   *     percentile_approx accuracy, rank error at most 2 n / accuracy (docs/metrics.md)
   * @param histogramBase ratio between consecutive histogram bucket bounds (log-spaced)
   */
  public record TimeWithCustomerSettings(
      java.util.OptionalInt percentileAccuracy, double histogramBase) {
    public TimeWithCustomerSettings {
      if (percentileAccuracy.isPresent() && percentileAccuracy.getAsInt() < 100) {
        throw new IllegalArgumentException(
            "percentile-accuracy must be exact or at least 100, got "
                + percentileAccuracy.getAsInt());
      }
      if (!(histogramBase > 1.0) || histogramBase > 100) {
        throw new IllegalArgumentException(
            "histogram-base must be greater than 1 and at most 100, got " + histogramBase);
      }
    }
  }
}
