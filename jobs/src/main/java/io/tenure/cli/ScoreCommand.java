package io.tenure.cli;

import io.tenure.config.TenureSettings;
import io.tenure.pipeline.MetricFamily;
import io.tenure.pipeline.RunResult;
import io.tenure.pipeline.TenureJob;
import java.util.EnumSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Score the customers active at the as-of date with a churn-risk model an earlier run saved,"
            + " without training: publishes churn_scores only.")
final class ScoreCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();

  @Option(
      names = "--model",
      required = true,
      paramLabel = "DIR",
      description =
          "The saved model: <output.path>/_models/churn_risk/as_of=<date> of an earlier run (any"
              + " Hadoop path).")
  String model;

  @Override
  public Integer call() {
    TenureSettings base = common.settings();
    TenureSettings settings = base.withChurnRisk(base.churnRisk().scoringWith(model));
    RunResult result =
        SparkSessions.with(
            settings,
            spark -> new TenureJob(spark, settings, EnumSet.of(MetricFamily.CHURN_RISK)).execute());
    System.out.print(Summary.of(result, settings));
    System.out.flush();
    return 0;
  }
}
