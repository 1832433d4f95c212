package io.tenure.cli;

import io.tenure.config.TenureSettings;
import io.tenure.pipeline.RunResult;
import io.tenure.pipeline.TenureJob;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description =
        "Read and check the configuration and the inputs, report row counts; write nothing.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin CommonOptions common = new CommonOptions();

  @Override
  public Integer call() {
    TenureSettings settings = common.settings();
    RunResult result =
        SparkSessions.with(settings, spark -> new TenureJob(spark, settings, Set.of()).validate());
    System.out.print(Summary.of(result, settings));
    System.out.flush();
    return 0;
  }
}
