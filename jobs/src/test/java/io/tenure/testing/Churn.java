package io.tenure.testing;

import io.tenure.config.Grain;
import io.tenure.config.TenureSettings.ChurnSettings;
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
      Dataset<Row> customerDays,
      ChurnSettings settings,
      Grain grain,
      ZoneId zone,
      LocalDate asOf) {
    Dataset<Row> spells =
        LifecycleSpells.of(transactions, cancellations, settings.inactivityDays(), zone, asOf);
    return ChurnRates.compute(spells, cancellations, customerDays, settings, grain, zone, asOf);
  }
}
