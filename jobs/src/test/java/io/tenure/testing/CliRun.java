package io.tenure.testing;

import io.tenure.cli.TenureCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs the CLI in-process, as a scheduler would call it, and captures its exit code and stderr. */
public record CliRun(int code, String err) {

  public static CliRun of(List<String> args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      int code = TenureCli.execute(args.toArray(String[]::new));
      return new CliRun(code, err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(original);
    }
  }

  public static CliRun of(String... args) {
    return of(List.of(args));
  }
}
