package io.tenure.cli;

import java.net.URISyntaxException;
import java.net.URL;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Tenure's default logging for a process it starts (bin/tenure, spark-submit in client or cluster
 * mode): Spark at WARN, Tenure's progress at INFO, on stderr — the few dozen lines a scheduler's
 * task log should show, instead of Spark's thousands of INFO lines. Installed before Spark starts,
 * so Spark keeps it instead of loading its own defaults. An explicit {@code
 * -Dlog4j2.configurationFile} always wins; embedded use ({@link TenureCli#execute}) leaves the
 * host's logging alone.
 */
final class QuietLogging {
  static final String RESOURCE = "tenure-log4j2.properties";

  private QuietLogging() {}

  static void install() {
    if (System.getProperty("log4j2.configurationFile") != null) {
      return;
    }
    URL config = QuietLogging.class.getClassLoader().getResource(RESOURCE);
    if (config == null) {
      return;
    }
    try {
      Configurator.reconfigure(config.toURI());
    } catch (URISyntaxException e) {
      // A jar URL is always a valid URI; keep whatever logging there is.
    }
  }
}
