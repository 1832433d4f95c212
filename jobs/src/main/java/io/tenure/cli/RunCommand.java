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
    RunResult result =
        SparkSessions.with(settings, spark -> new TenureJob(spark, settings, families).execute());
    System.out.print(Summary.of(result, settings));
    System.out.flush();
    return 0;
  }
}
