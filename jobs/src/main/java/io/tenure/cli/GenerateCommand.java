package io.tenure.cli;

import io.tenure.generate.SampleGenerator;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description =
        "Write deterministic synthetic input tables (transactions, cancellations, interactions,"
            + " customers) as Parquet.")
final class GenerateCommand implements Callable<Integer> {
  @Option(
      names = "--customers",
      defaultValue = "3000",
      description = "Customers (default ${DEFAULT-VALUE}).")
  long customers;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--start",
      defaultValue = "2023-01-01",
      description = "First day of the simulated horizon (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(
      names = "--days",
      defaultValue = "730",
      description = "Length of the horizon in days (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(
      names = "--partitioned",
      description =
          "Lay transactions, cancellations and interactions out by event date"
              + " (<table>/date=yyyy-MM-dd/), the layout --incremental runs read; set"
              + " partition-column = \"date\" on those inputs.")
  boolean partitioned;

  @Override
  public Integer call() {
    SampleGenerator generator = new SampleGenerator(customers, seed, start, days);
    SparkSessions.with(
        "tenure-generate",
        Map.of(),
        spark -> {
          if (partitioned) {
            generator.writePartitioned(spark, out);
          } else {
            generator.write(spark, out);
          }
          return null;
        });
    System.out.printf(
        "Generated %d customers (seed %d, %s + %d days) in %s%n",
        customers, seed, start, days, out);
    return 0;
  }
}
