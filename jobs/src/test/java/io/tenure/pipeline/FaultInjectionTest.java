package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.io.OutputWriter;
import io.tenure.testing.CliRun;
import io.tenure.testing.SparkExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills real runs in separate JVMs and fails real Spark tasks, then checks that the previous output
 * is whole and that a re-run gives what an uninterrupted run gives.
 *
 * <p>Setup: {@code out} holds a published run on data set A. The faulty runs use data set B (a
 * different seed), so that a partial publish would be visible as a mix of A and B.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class FaultInjectionTest {
  private static final String AS_OF = "2023-12-31";
  @TempDir static Path dir;
  private static Map<String, List<String>> publishedA;
  private static String manifestA;

  @BeforeAll
  static void publishRunOnA(SparkSession spark) throws Exception {
    generate("a", 1);
    generate("b", 2);
    assertThat(tenureInProcess("a", "out").code()).isZero();
    publishedA = snapshot(spark, dir.resolve("out"));
    manifestA = manifest(dir.resolve("out"));
    assertThat(publishedA).containsKeys("cohort_retention", "churn_rates", "quarantine");
  }

  private static void generate(String name, int seed) {
    String root = dir.resolve(name).resolve("data-samples").toString();
    CliRun r =
        CliRun.of(
            "generate", "--customers", "300", "--seed", "" + seed, "--days", "365", "--out", root);
    assertThat(r.code()).as(r.err()).isZero();
  }

  private static List<String> args(String data, String out) {
    return List.of(
        "run",
        "--conf",
        EndToEndTest.CONF,
        "--as-of",
        AS_OF,
        // Publishing several tables is what is under test; three families keep each of the
        // test's ten runs short.
        "--only",
        "cohort_retention,churn_rates,time_with_customer",
        "-D",
        "base-dir=" + dir.resolve(data),
        "-D",
        "output.path=" + dir.resolve(out));
  }

  private static CliRun tenureInProcess(String data, String out) {
    return CliRun.of(args(data, out));
  }

  /** Starts Tenure in its own JVM, with test switches as system properties. */
  private static Process tenureProcess(String data, String out, String... properties)
      throws Exception {
    List<String> cmd = io.tenure.testing.TenureJvm.command(List.of(properties), args(data, out));
    File log = dir.resolve("process-" + System.nanoTime() + ".log").toFile();
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
  }

  /** Every published table of the as-of date, as sorted rows. */
  private static Map<String, List<String>> snapshot(SparkSession spark, Path out) throws Exception {
    Map<String, List<String>> tables = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(out)) {
      for (Path table : dirs.filter(p -> !p.getFileName().toString().startsWith("_")).toList()) {
        Path partition = table.resolve("as_of=" + AS_OF);
        assertThat(partition.resolve("_SUCCESS")).as("complete: " + partition).exists();
        // Doubles to 12 digits: a sum over partitions may differ in its last bit between runs.
        tables.put(
            table.getFileName().toString(),
            io.tenure.testing.Golden.render(spark.read().parquet(partition.toString())));
      }
    }
    return tables;
  }

  private static String manifest(Path out) throws Exception {
    return Files.readString(out.resolve("_manifests/as_of=" + AS_OF + ".json"));
  }

  private static Path copyOfA(String name) throws Exception {
    Path copy = dir.resolve(name);
    try (Stream<Path> files = Files.walk(dir.resolve("out"))) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(dir.resolve("out").relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
    return copy;
  }

  @Test
  void killedWhileWritingLeavesThePreviousOutputWholeAndTheRerunEqualsACleanRun(SparkSession spark)
      throws Exception {
    String out = "killed-out";
    copyOfA(out);
    Path resume = dir.resolve("resume-killed");
    // Kill -9 once the first table is staged: the run is in the middle of writing. The run
    // signals that point itself (pause-at), so no wall-clock deadline can fail a slow machine.
    Process p =
        tenureProcess(
            "b",
            out,
            "-Dtenure.fault.pause-at=staged:cohort_retention",
            "-Dtenure.fault.resume-file=" + resume);
    awaitPause(p, resume);
    p.destroyForcibly().waitFor();

    assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(publishedA);
    assertThat(manifest(dir.resolve(out))).isEqualTo(manifestA);

    assertThat(tenureInProcess("b", out).code()).isZero();
    assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(cleanB(spark)).isNotEqualTo(publishedA);
    assertThat(dir.resolve(out).resolve(OutputWriter.STAGING)).doesNotExist();
  }

  @Test
  void haltedHalfwayThroughPublishingIsRolledBackByTheNextRun(SparkSession spark) throws Exception {
    String out = "halted-out";
    copyOfA(out);
    // Halts after cohort tables were replaced by B and churn_rates was moved aside.
    Process p = tenureProcess("b", out, "-Dtenure.fault.halt-at=publish:moved-aside:churn_rates");
    assertThat(p.waitFor()).isEqualTo(137);
    assertThat(dir.resolve(out).resolve("churn_rates/as_of=" + AS_OF)).doesNotExist();

    // What the next run of the date does first, before it computes anything.
    List<String> cleaned =
        new OutputWriter(
                spark, dir.resolve(out).toString(), LocalDate.parse(AS_OF), AS_OF + "-next")
            .recover();
    assertThat(cleaned).hasSize(1);
    assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(publishedA);
    assertThat(manifest(dir.resolve(out))).isEqualTo(manifestA);
  }

  @Test
  void aTaskThatFailsOnTheExecutorsFailsTheRunWithExitOneAndPublishesNothing(SparkSession spark)
      throws Exception {
    String out = "task-failure-out";
    copyOfA(out);
    System.setProperty("tenure.fault.fail-table", "churn_rates");
    CliRun r;
    try {
      r = tenureInProcess("b", out);
    } finally {
      System.clearProperty("tenure.fault.fail-table");
    }
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("tenure: the run failed: ")
        .contains("injected executor-side failure in churn_rates")
        .contains("Nothing was published");
    assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(publishedA);
    assertThat(manifest(dir.resolve(out))).isEqualTo(manifestA);
    assertThat(dir.resolve(out).resolve(OutputWriter.STAGING)).doesNotExist();
  }

  private static Map<String, List<String>> cleanB;

  /** The tables of an uninterrupted run on data set B, computed once. */
  private static synchronized Map<String, List<String>> cleanB(SparkSession spark)
      throws Exception {
    if (cleanB == null) {
      assertThat(tenureInProcess("b", "clean-b").code()).isZero();
      cleanB = snapshot(spark, dir.resolve("clean-b"));
    }
    return cleanB;
  }

  /** Waits until the process writes {@code <resume>.paused} (or ends): no wall-clock deadline. */
  private static void awaitPause(Process p, Path resume) throws Exception {
    Path paused = resume.resolveSibling(resume.getFileName() + ".paused");
    while (!Files.exists(paused) && p.isAlive()) {
      Thread.sleep(50);
    }
    assertThat(paused).as("the run reached its pause point").exists();
  }

  @Test
  void aSecondRunOfTheSameOutputFailsAtOnceOrWaitsWhileTheFirstPublishes(SparkSession spark)
      throws Exception {
    String out = "locked-out";
    copyOfA(out);
    Path resume = dir.resolve("resume-locked");
    // The first run, in its own JVM, stops in the middle of publishing.
    Process first =
        tenureProcess(
            "b",
            out,
            "-Dtenure.fault.pause-at=publish:moved-aside:churn_rates",
            "-Dtenure.fault.resume-file=" + resume);
    // Never left paused behind a failed assertion: it would hold a JVM until the machine stops.
    try {
      awaitPause(first, resume);

      CliRun refused = tenureInProcess("b", out);
      assertThat(refused.code()).as(refused.err()).isEqualTo(1);
      assertThat(refused.err())
          .contains("tenure: Another Tenure run is writing to " + dir.resolve(out))
          .contains("did not start");

      // A run that chooses to wait starts once the first one has finished.
      java.util.concurrent.CompletableFuture<CliRun> waiting =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> CliRun.of(concat(args("b", out), "-D", "output.lock-wait=30m")));
      Files.createFile(resume);
      assertThat(first.waitFor()).isZero();
      CliRun second = waiting.get();
      assertThat(second.code()).as(second.err()).isZero();

      assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(cleanB(spark));
      assertThat(dir.resolve(out).resolve(io.tenure.io.RunLock.NAME)).doesNotExist();
      assertThat(dir.resolve(out).resolve(OutputWriter.STAGING)).doesNotExist();
    } finally {
      first.destroyForcibly();
    }
  }

  private static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }

  /**
   * A table directory that cannot be moved (chattr +i on its parent) fails the publish: the tables
   * already replaced are put back, the manifest is unchanged, and nothing is nested or lost.
   */
  @Test
  void aPublishThatCannotMoveATableRestoresThePreviousOutput(SparkSession spark) throws Exception {
    String out = "immutable-out";
    copyOfA(out);
    Path locked = dir.resolve(out).resolve("churn_rates");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        new ProcessBuilder("chattr", "+i", locked.toString()).start().waitFor() == 0,
        "chattr +i needs root on a file system with attributes");
    CliRun r;
    try {
      r = tenureInProcess("b", out);
    } finally {
      new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
    }
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err())
        .contains("Publishing outputs under")
        .contains("The previous output of " + AS_OF + " was put back unchanged");
    assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(publishedA);
    assertThat(manifest(dir.resolve(out))).isEqualTo(manifestA);
    try (Stream<Path> nested = Files.list(locked.resolve("as_of=" + AS_OF))) {
      assertThat(nested.filter(Files::isDirectory)).isEmpty();
    }
    assertThat(tenureInProcess("b", out).code()).isZero();
    assertThat(snapshot(spark, dir.resolve(out))).isEqualTo(cleanB(spark));
  }
}
