package io.tenure.testing;

import io.tenure.config.Grain;
import io.tenure.config.TenureSettings.ChurnSettings;
import io.tenure.metrics.ActivityBase;
import io.tenure.metrics.ChurnRates;
import io.tenure.metrics.LifecycleSpells;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Churn tables straight from transactions, as a run computes them (spells first). */
public final class Churn {
  private Churn() {}

  public static ChurnRates.Result ofTransactions(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> cancellations,
      ChurnSettings settings,
      Grain grain,
      ZoneId zone,
      LocalDate asOf) {
    return ofTransactions(
        transactions, cancellations, settings, grain, zone, asOf, Optional.empty());
  }

  /** As a daily run computes them: the periods before {@code earlier}'s taken from it. */
  public static ChurnRates.Result ofTransactions(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> cancellations,
      ChurnSettings settings,
      Grain grain,
      ZoneId zone,
      LocalDate asOf,
      Optional<ChurnRates.Earlier> earlier) {
    Dataset<Row> spells =
        LifecycleSpells.of(transactions, cancellations, settings.inactivityDays(), zone, asOf);
    ActivityBase base = ActivityBase.build(transactions, Optional.empty(), zone, grain);
    return ChurnRates.compute(
        spells, cancellations, base, transactions, settings, grain, zone, asOf, earlier);
  }
}
