package io.tenure.cli;

import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.pipeline.MetricFamily;
import io.tenure.pipeline.RunResult;
import io.tenure.pipeline.TenureJob;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Compute and publish the output tables for one as-of date.")
final class RunCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();

  @Option(
      names = "--only",
      split = ",",
      paramLabel = "TABLE",
      description =
          "Compute only these table families: cohort_retention, churn_rates,"
              + " time_with_customer, service_kpis, retention_drivers, survival, churn_risk.")
  List<String> only = new ArrayList<>();

  @Option(
      names = "--incremental",
      description =
          "Read only the input partitions that can have changed since the last run (inputs with"
              + " a partition-column), the rest from the state kept under the output path; the"
              + " tables equal a full run's. Needs --as-of. For daily runs.")
  boolean incremental;

  @Option(
      names = "--full",
      description =
          "Read every input whole (the default): for backfills and one-off runs. The incremental"
              + " state is neither read nor written.")
  boolean full;

  @Option(
      names = "--rebuild-state",
      description =
          "With --incremental: read every partition again and write a new state (after files"
              + " arrived in partitions older than the late window).")
  boolean rebuildState;

  @Override
  public Integer call() {
    TenureSettings settings = common.settings();
    Set<MetricFamily> families = EnumSet.noneOf(MetricFamily.class);
    for (String name : only) {
      try {
        families.add(MetricFamily.parse(name));
      } catch (IllegalArgumentException e) {
        throw Errors.usage("Invalid --only: " + e.getMessage());
      }
    }
    if (full && incremental) {
      throw Errors.usage("--full and --incremental exclude each other: pick one.");
    }
    if (rebuildState && !incremental) {
      throw Errors.usage(
          "--rebuild-state rebuilds the state of --incremental runs: add --incremental.");
    }
    if (incremental && settings.asOf().isEmpty()) {
      throw Errors.incrementalNeedsAsOf();
    }
    TenureJob.Mode mode =
        !incremental
            ? TenureJob.Mode.FULL
            : rebuildState ? TenureJob.Mode.REBUILD_STATE : TenureJob.Mode.INCREMENTAL;
    RunResult result =
        SparkSessions.with(
            settings, spark -> new TenureJob(spark, settings, families).mode(mode).execute());
    System.out.print(Summary.of(result, settings));
    System.out.flush();
    return 0;
  }
}
