package io.tenure.cli;

import io.tenure.errors.ExitCode;
import io.tenure.errors.TenureException;
import io.tenure.pipeline.Version;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Tenure's command line. Exit codes: 0 success, 1 unexpected failure, 2 usage or configuration
 * error, 3 invalid input.
 */
@Command(
    name = "tenure",
    mixinStandardHelpOptions = true,
    versionProvider = TenureCli.VersionProvider.class,
    description = "Churn and retention analysis on Apache Spark.",
    subcommands = {
      RunCommand.class,
      ScoreCommand.class,
      ValidateCommand.class,
      GenerateCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:success",
      "1:unexpected failure (Spark, I/O); usually worth a retry",
      "2:usage or configuration error",
      "3:invalid input data (missing column, wrong type, no usable rows)"
    })
public final class TenureCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command: use run, validate or generate (see --help)");
  }

  public static void main(String[] args) {
    QuietLogging.install();
    System.exit(execute(args));
  }

  /** Runs the CLI and returns the exit code instead of exiting (for tests and embedding). */
  public static int execute(String... args) {
    CommandLine cli = new CommandLine(new TenureCli());
    cli.setExecutionExceptionHandler(TenureCli::handle);
    return cli.execute(args);
  }

  private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    if (e instanceof TenureException te) {
      err.println("tenure: " + te.getMessage());
      if (te.exitCode() == ExitCode.FAILURE && te.getCause() != null) {
        te.getCause().printStackTrace(err);
      }
      err.flush();
      return te.exitCode().code();
    }
    err.println("tenure: the run failed: " + e);
    e.printStackTrace(err);
    err.flush();
    return ExitCode.FAILURE.code();
  }

  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "tenure " + Version.get(), "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()
      };
    }
  }
}
