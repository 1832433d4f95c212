package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;

import io.tenure.config.Grain;
import io.tenure.io.InputState;
import io.tenure.metrics.ActivityBase;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activity per customer and period ({@link ActivityBase#customerPeriods}) kept in an
 * incremental run's state, one directory per period, so that the next run computes only the periods
 * from the first day whose transactions can have changed and reads the earlier ones where they are.
 * A period's row reads only the transactions dated in it, so a period that starts before every
 * changed row is the one the earlier run computed. Kept by grain and Tenure version: another
 * grain's or another release's periods are never read.
 */
final class KeptPeriods {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final String NAME = "customer_periods";

  private final StateRun run;
  private final Map<String, String> dirs = new TreeMap<>();
  private Optional<LocalDate> computedFrom = Optional.empty();

  KeptPeriods(StateRun run) {
    this.run = run;
  }

  /**
   * The customer periods of this run, kept in its state: those from the start of the period holding
   * {@code changedFrom} computed by {@code since} (given that start), the earlier ones carried from
   * the earlier run; all computed by {@code whole} without a day to start from or without the
   * earlier run's periods.
   */
  Dataset<Row> keep(
      Grain grain,
      Optional<LocalDate> changedFrom,
      Function<LocalDate, Dataset<Row>> since,
      Dataset<Row> whole) {
    String prefix = prefix(grain);
    Map<LocalDate, String> before = new TreeMap<>();
    Optional<LocalDate> from = changedFrom.map(grain::start);
    Map<String, String> kept =
        run.earlier()
            .map(InputState.Version::judged)
            .filter(j -> from.isPresent())
            .orElse(Map.of());
    // Kept by the earlier run (if it had any transactions): its periods before the first one that
    // can have changed are this run's.
    boolean carried = kept.keySet().stream().anyMatch(name -> name.startsWith(prefix));
    kept.forEach(
        (name, dir) -> {
          if (name.startsWith(prefix)) {
            LocalDate start = LocalDate.parse(name.substring(prefix.length()));
            if (start.isBefore(from.get())) {
              before.put(start, dir);
            }
          }
        });
    Dataset<Row> computed = carried ? since.apply(from.get()) : whole;
    Map<String, String> written =
        run.state()
            .write(
                NAME + "-" + grain.key(),
                run.runId(),
                computed,
                date_format(col(ActivityBase.PERIOD_START), "yyyy-MM-dd"));
    before.forEach((start, dir) -> dirs.put(prefix + start, dir));
    written.forEach((start, dir) -> dirs.put(prefix + start, dir));
    if (carried) {
      computedFrom = from;
      LOG.info(
          "Activity per customer and period: {} periods from {} computed, {} earlier ones taken"
              + " from the state of {}",
          written.size(),
          from.get(),
          before.size(),
          run.earlier().get().asOf());
    }
    List<String> all = new ArrayList<>(dirs.values());
    return all.isEmpty()
        ? run.spark().createDataFrame(List.of(), computed.schema())
        : run.spark().read().schema(computed.schema()).parquet(all.toArray(String[]::new));
  }

  /** The first period this run computed, when it took the earlier ones from the state. */
  Optional<LocalDate> computedFrom() {
    return computedFrom;
  }

  /** What this run kept, by name, for its state version. */
  Map<String, String> dirs() {
    return Map.copyOf(dirs);
  }

  private static String prefix(Grain grain) {
    return NAME + "/" + grain.key() + "/" + Version.get() + "/";
  }
}
