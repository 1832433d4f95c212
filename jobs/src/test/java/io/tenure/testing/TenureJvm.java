package io.tenure.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The command line of Tenure's CLI in a JVM of its own (for tests that kill or halt a run), with
 * the tests' JVM flags and classpath and the Spark settings of the tests' shared session.
 */
public final class TenureJvm {
  private TenureJvm() {}

  /**
   * @param properties JVM system properties, e.g. {@code -Dtenure.fault.halt-at=...}
   * @param args the CLI's arguments, e.g. {@code run --conf ...}
   */
  public static List<String> command(List<String> properties, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      if (arg.startsWith("--add-opens") || arg.startsWith("--add-exports")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path")));
    cmd.addAll(properties);
    cmd.add("io.tenure.cli.TenureCli");
    cmd.addAll(args);
    cmd.addAll(
        List.of(
            "-D",
            "spark.conf.spark.sql.shuffle.partitions=2",
            "-D",
            "spark.conf.spark.ui.enabled=false"));
    // The tests' local file system, and interpreted expressions as in the in-process runs of
    // whole jobs: in a fresh JVM compiling generated code is most of a run on tiny inputs.
    Map<String, Object> settings = new TreeMap<>(SparkExtension.LOCAL_FILES);
    settings.putAll(SparkExtension.Interpreted.SETTINGS);
    settings.forEach((key, value) -> cmd.addAll(List.of("-D", "spark.conf." + key + "=" + value)));
    return cmd;
  }
}
