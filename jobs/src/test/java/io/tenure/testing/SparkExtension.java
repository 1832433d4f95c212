package io.tenure.testing;

import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the one SparkSession shared by every test in the JVM: local[2], UI off, one shuffle
 * partition (tiny shuffles cost their tasks; map outputs of two tasks are still merged), AQE off
 * (deterministic plans), UTC session time zone as the job itself sets, and local files whose
 * permissions are set without starting a process ({@link NioLocalFileSystem}). The JVMs tests start
 * for Tenure ({@link TenureJvm}) and the cluster test use more partitions.
 */
public final class SparkExtension implements ParameterResolver, BeforeAllCallback {
  /** Local files whose permissions are set without a process per file. */
  static final Map<String, Object> LOCAL_FILES =
      Map.of("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());

  private static SparkSession session;

  public static synchronized SparkSession session() {
    if (session == null || session.sparkContext().isStopped()) {
      session =
          SparkSession.builder()
              .master("local[2]")
              .appName("tenure-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.ui.showConsoleProgress", "false")
              .config("spark.sql.shuffle.partitions", "1")
              .config("spark.default.parallelism", "2")
              .config("spark.sql.adaptive.enabled", "false")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
              .config("spark.driver.host", "127.0.0.1")
              .config(LOCAL_FILES)
              .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(session::stop));
    }
    return session;
  }

  /**
   * For test classes that run the whole job on tiny inputs: there, compiling generated code is most
   * of a run's time, and interpreted expressions give the same results (the other tests cover the
   * generated code). The shared session goes back to generated code after the class.
   */
  public static final class Interpreted
      implements org.junit.jupiter.api.extension.BeforeAllCallback,
          org.junit.jupiter.api.extension.AfterAllCallback {
    /** The settings that turn generated code off. */
    static final Map<String, String> SETTINGS =
        Map.of(
            "spark.sql.codegen.wholeStage", "false", "spark.sql.codegen.factoryMode", "NO_CODEGEN");

    @Override
    public void beforeAll(ExtensionContext context) {
      SETTINGS.forEach(session().conf()::set);
    }

    @Override
    public void afterAll(ExtensionContext context) {
      SETTINGS.keySet().forEach(session().conf()::unset);
    }
  }

  /**
   * Starts the session before a class's tests, so that CLI runs inside tests join it instead of
   * creating (and stopping) their own.
   */
  @Override
  public void beforeAll(ExtensionContext context) {
    session();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == SparkSession.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return session();
  }
}
