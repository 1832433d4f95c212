package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.testing.CliRun;
import io.tenure.testing.SparkExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Airflow DAG and the CLI cannot drift apart: the arguments the DAG passes to spark-submit are
 * read from the DAG file's syntax tree (airflow/tests/dag_args.py, Python's ast module; Airflow is
 * not installed here), their templates rendered as Airflow would for one logical date, and the CLI
 * is run with exactly those arguments in validate mode.
 */
@ExtendWith(SparkExtension.class)
class AirflowDagTest {
  private static final Path REPO = Path.of(EndToEndTest.ROOT);
  private static final Path DAG = REPO.resolve("airflow/dags/tenure_daily.py");
  private static final Pattern TEMPLATE = Pattern.compile("\\{\\{\\s*([^}]+?)\\s*}}");

  private static String python(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3"));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  /** {@code 'a' if dag_run.run_type == 'x' else 'b'}: a flag chosen by the kind of DAG run. */
  private static final Pattern BY_RUN_TYPE =
      Pattern.compile("'([^']*)' if dag_run\\.run_type == '(\\w+)' else '([^']*)'");

  /**
   * Renders {{ ds }}, {{ var.value.NAME }} and a choice by {@code dag_run.run_type} like Airflow;
   * anything else fails the test.
   */
  private static String render(
      String arg, String ds, String runType, Map<String, String> variables) {
    Matcher m = TEMPLATE.matcher(arg);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String expr = m.group(1);
      Matcher choice = BY_RUN_TYPE.matcher(expr);
      String value =
          expr.equals("ds")
              ? ds
              : expr.startsWith("var.value.")
                  ? variables.get(expr.substring(10))
                  : choice.matches()
                      ? (runType.equals(choice.group(2)) ? choice.group(1) : choice.group(3))
                      : null;
      assertThat(value).as("template {{ " + expr + " }} in the DAG's arguments").isNotNull();
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    return m.appendTail(out).toString();
  }

  @Test
  void dagFileCompiles() throws Exception {
    python("-m", "py_compile", DAG.toString());
  }

  /**
   * The DAG's task, run against stand-ins for Airflow (airflow/tests/retry_policy.py): exit 1 is
   * retried, exit 2 and 3 fail at once; catch-up is off; sizing is passed to spark-submit.
   */
  @Test
  void configurationAndInputErrorsAreNotRetried() throws Exception {
    assertThat(python(REPO.resolve("airflow/tests/retry_policy.py").toString(), DAG.toString()))
        .contains("exit 1 retried")
        .contains("exit 2 failed, no retry")
        .contains("exit 3 failed, no retry");
  }

  @Test
  void theCliAcceptsExactlyWhatTheDagPasses(@TempDir Path dir) throws Exception {
    JsonNode calls =
        new ObjectMapper()
            .readTree(python(REPO.resolve("airflow/tests/dag_args.py").toString(), DAG.toString()));
    assertThat(calls).hasSize(1);
    JsonNode call = calls.get(0);
    assertThat(call.path("java_class").asText()).isEqualTo("io.tenure.cli.TenureCli");

    // A production config as docs/airflow.md describes it, kept in the tenure_conf Variable.
    Path conf = dir.resolve("production.conf");
    Files.writeString(
        conf,
        "include file(\""
            + REPO.resolve("conf/application.conf").toAbsolutePath()
            + "\")\ntenure.base-dir = \""
            + REPO.toAbsolutePath()
            + "\"\ntenure.output.path = \""
            + dir.resolve("out")
            + "\"\n");
    Map<String, List<String>> byRunType = new java.util.LinkedHashMap<>();
    for (String runType : List.of("scheduled", "manual", "backfill")) {
      List<String> args = new ArrayList<>();
      call.path("application_args")
          .forEach(
              a ->
                  args.add(
                      render(
                          a.asText(),
                          "2024-06-30",
                          runType,
                          Map.of("tenure_conf", conf.toString()))));
      byRunType.put(runType, args);
      assertThat(args.get(0)).isEqualTo("run");
      assertThat(args).contains("--as-of", "2024-06-30");
      // The run command accepts every flag (help is printed once they all parse).
      List<String> help = new ArrayList<>(args);
      help.add("--help");
      assertThat(CliRun.of(help).code()).as(String.join(" ", help)).isZero();
    }
    // Daily runs (and a date cleared by hand) are incremental, backfills read everything.
    assertThat(byRunType.get("scheduled")).endsWith("--incremental");
    assertThat(byRunType.get("manual")).endsWith("--incremental");
    assertThat(byRunType.get("backfill")).endsWith("--full");

    // The inputs and the configuration the DAG names are valid (validate reads them whole).
    List<String> args = new ArrayList<>(byRunType.get("backfill"));
    args.set(0, "validate");
    args.remove("--full");
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.err()).isZero();
  }
}
