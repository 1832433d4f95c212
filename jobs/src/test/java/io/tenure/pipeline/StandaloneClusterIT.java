package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Spark standalone cluster on 127.0.0.1 — a Master and a Worker started from the Spark jars
 * Maven resolved (target/spark-home/jars, no Spark download) — and Tenure's thin application jar
 * submitted through Spark's own spark-submit entry point in client mode, as a data engineer would.
 * The cluster is always stopped, also when a test fails.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.tenure.testing.SparkExtension.class)
class StandaloneClusterIT {
  private static final String AS_OF = "2024-12-31";
  private static final Path REPO = Path.of(System.getProperty("tenure.repo.root", ".."));
  private static final Path SPARK_HOME =
      Path.of(System.getProperty("tenure.spark.home", "target/spark-home"));
  private static final Path APP_JAR =
      Path.of(System.getProperty("tenure.app.jar", "target/tenure-jobs.jar"));
  private static final List<String> OPENS =
      Arrays.asList(System.getProperty("tenure.java.opens", "").trim().split("\\s+"));
  private static final Path WORK = Path.of("target", "cluster-it");

  private static final List<Process> cluster = new ArrayList<>();
  private static String masterUrl;

  @BeforeAll
  static void startCluster() throws Exception {
    Files.createDirectories(WORK);
    assertThat(APP_JAR).exists();
    assertThat(SPARK_HOME.resolve("jars")).isDirectory();
    int port = freePort();
    int webUi = freePort();
    masterUrl = "spark://127.0.0.1:" + port;
    Runtime.getRuntime().addShutdownHook(new Thread(StandaloneClusterIT::stopCluster));
    cluster.add(
        spark(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            "" + port,
            "--webui-port",
            "" + webUi));
    cluster.add(
        spark(
            "worker",
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            "2",
            "--memory",
            "3g",
            "--webui-port",
            "" + freePort(),
            "--work-dir",
            WORK.resolve("worker").toAbsolutePath().toString(),
            masterUrl));
    awaitAliveWorker(webUi);
  }

  @AfterAll
  static void stopCluster() {
    // Stopped by the processes this test started, never by name.
    for (Process p : cluster) {
      p.destroy();
    }
    for (Process p : cluster) {
      try {
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    cluster.clear();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A JVM on Spark's jars, as $SPARK_HOME/bin scripts would start it. */
  private static Process spark(String log, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(OPENS);
    cmd.addAll(List.of("-Xmx1g", "-cp", SPARK_HOME.toAbsolutePath().resolve("jars") + "/*"));
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(WORK.resolve(log + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", SPARK_HOME.toAbsolutePath().toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("TZ", "UTC");
    return pb.start();
  }

  private static void awaitAliveWorker(int webUi) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webUi + "/json/")).build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      try {
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (new ObjectMapper().readTree(body).path("aliveworkers").asInt() >= 1) {
          return;
        }
      } catch (IOException notYetUp) {
        // the master's UI is still starting
      }
      Thread.sleep(500);
    }
    throw new AssertionError("no worker registered with " + masterUrl + "; see " + WORK);
  }

  /** spark-submit in client mode; returns the exit code. */
  private static int submit(String master, String log, String... tenureArgs) throws Exception {
    List<String> args = new ArrayList<>();
    args.addAll(
        List.of(
            "--master",
            master,
            "--deploy-mode",
            "client",
            "--class",
            "io.tenure.cli.TenureCli",
            "--name",
            "tenure-it",
            "--conf",
            "spark.executor.memory=1g",
            "--conf",
            "spark.cores.max=2",
            "--conf",
            "spark.executor.extraJavaOptions=" + String.join(" ", OPENS),
            "--conf",
            "spark.sql.shuffle.partitions=8",
            "--conf",
            "spark.ui.enabled=false",
            APP_JAR.toAbsolutePath().toString()));
    args.addAll(List.of(tenureArgs));
    Process p = spark(log, "org.apache.spark.deploy.SparkSubmit", args.toArray(String[]::new));
    if (!p.waitFor(10, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("spark-submit did not finish in 10 minutes; see " + log);
    }
    return p.exitValue();
  }

  private static String[] run(Path out, String... extra) {
    List<String> a =
        new ArrayList<>(
            List.of(
                "run",
                "--conf",
                REPO.resolve("conf/application.conf").toAbsolutePath().toString(),
                "-D",
                "base-dir=" + REPO.toAbsolutePath(),
                "-D",
                "output.path=" + out.toAbsolutePath(),
                "--as-of",
                AS_OF));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void runsOnTheClusterAndMatchesTheLocalResults(org.apache.spark.sql.SparkSession spark)
      throws Exception {
    Path clusterOut = WORK.resolve("out-cluster");
    deleteRecursively(clusterOut);

    assertThat(submit(masterUrl, "submit-cluster", run(clusterOut))).isZero();
    try (var apps = Files.list(WORK.resolve("worker"))) {
      assertThat(apps.anyMatch(d -> d.getFileName().toString().startsWith("app-")))
          .as("executors ran on the standalone worker")
          .isTrue();
    }
    assertThat(Files.readString(WORK.resolve("master.log")))
        .as("spark-submit's --name is the application's name")
        .contains("Registering app tenure-it");
    // The client-mode driver log is what a scheduler's task log shows: Tenure's progress and
    // summary, Spark's warnings, none of Spark's INFO lines (thousands per run).
    List<String> driverLog = Files.readAllLines(WORK.resolve("submit-cluster.log"));
    assertThat(driverLog).anyMatch(l -> l.startsWith("Done in ")).hasSizeLessThan(150);
    assertThat(driverLog.stream().filter(l -> l.contains(" INFO ") && !l.contains(" tenure: ")))
        .as("Spark INFO lines in the driver log")
        .isEmpty();

    // The golden files are a local run's tables (EndToEndTest), so equal rows mean the cluster
    // (8 shuffle partitions, executors in their own JVMs) computed what a local run does. The
    // fitted model's numbers are equal only to ~1e-12 between runs: checked by their properties.
    JsonNode manifest =
        new ObjectMapper()
            .readTree(clusterOut.resolve("_manifests/as_of=" + AS_OF + ".json").toFile());
    Iterator<Map.Entry<String, JsonNode>> outputs = manifest.path("outputs").fields();
    int tables = 0;
    while (outputs.hasNext()) {
      String table = outputs.next().getKey();
      Path a = clusterOut.resolve(table).resolve("as_of=" + AS_OF);
      assertThat(a.resolve("_SUCCESS")).exists();
      tables++;
      if (!EndToEndTest.MODEL_TABLES.contains(table)) {
        io.tenure.testing.Golden.check(
            "data-samples", table, spark.read().parquet(a.toAbsolutePath().toString()));
      }
    }
    assertThat(tables).isEqualTo(15);
    EndToEndTest.assertModelTablesSound(spark, clusterOut.toAbsolutePath());
  }

  @Test
  void badInputFailsThroughSparkSubmitWithExitThree() throws Exception {
    Path out = WORK.resolve("out-bad");
    int code =
        submit(
            masterUrl,
            "submit-bad-input",
            run(out, "-D", "inputs.transactions.path=/no/such/transactions"));
    assertThat(code).isEqualTo(3);
    assertThat(Files.readString(WORK.resolve("submit-bad-input.log")))
        .contains("Cannot read input table 'transactions' at /no/such/transactions");
    assertThat(out.resolve("_manifests")).doesNotExist();
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (Files.exists(p)) {
      try (var walk = Files.walk(p)) {
        walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }
}
