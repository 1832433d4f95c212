package io.tenure.cli;

import io.tenure.config.ConfigLoader;
import io.tenure.config.Dates;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by run and validate. */
final class CommonOptions {
  @Option(
      names = "--conf",
      paramLabel = "FILE",
      defaultValue = "${sys:tenure.default.conf:-conf/application.conf}",
      description =
          "HOCON configuration: a local file or a Hadoop URI (hdfs://, s3a://, file://)"
              + " (default: ${DEFAULT-VALUE}).")
  String conf;

  @Option(
      names = "-D",
      paramLabel = "KEY=VALUE",
      description =
          "Override a configuration key, e.g. -D churn.inactivity-days=60 (the tenure. prefix is"
              + " optional). Repeatable.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Option(
      names = "--as-of",
      paramLabel = "DATE",
      description =
          "Last day of data to use (yyyy-MM-dd, business time zone). Default: the last event date"
              + " in the data.")
  String asOf;

  TenureSettings settings() {
    TenureSettings s = ConfigLoader.load(conf, overrides);
    if (asOf != null) {
      try {
        s = s.withAsOf(LocalDate.parse(asOf));
      } catch (DateTimeParseException e) {
        throw Errors.usage(
            "Invalid --as-of '" + asOf + "': " + Dates.problem(asOf, e.getMessage()) + ".");
      }
    }
    return s;
  }
}
