package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A stage that runs longer than the progress interval says so, with Spark's task counts. */
@ExtendWith(SparkExtension.class)
class StagesTest {
  @Test
  void aLongStageLogsItsProgress(SparkSession spark) {
    List<String> lines = Collections.synchronizedList(new ArrayList<>());
    AbstractAppender appender =
        new AbstractAppender("progress-test", null, null, true, Property.EMPTY_ARRAY) {
          @Override
          public void append(LogEvent event) {
            lines.add(event.getMessage().getFormattedMessage());
          }
        };
    appender.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    LoggerConfig tenure = context.getConfiguration().getLoggerConfig("io.tenure");
    Level level = tenure.getLevel();
    tenure.setLevel(Level.INFO); // the test configuration keeps Tenure at WARN
    tenure.addAppender(appender, Level.INFO, null);
    context.updateLoggers();
    Duration before = Stages.progressInterval;
    Stages.progressInterval = Duration.ofMillis(150);
    try {
      int n =
          Stages.run(
              spark,
              "slow:write",
              "a stage whose four tasks sleep",
              () ->
                  spark
                      .range(0, 4, 1, 4)
                      .selectExpr("reflect('java.lang.Thread', 'sleep', cast(400 as bigint)) as r")
                      // Collected, not counted: a count could prune the sleeping column away.
                      .collectAsList()
                      .size());
      assertThat(n).isEqualTo(4);
    } finally {
      Stages.progressInterval = before;
      tenure.removeAppender("progress-test");
      tenure.setLevel(level);
      context.updateLoggers();
    }
    assertThat(lines)
        .anyMatch(l -> l.matches("slow:write running for \\d+ s \\(Spark: \\d of 4 tasks\\)"));
    assertThat(lines).anyMatch(l -> l.startsWith("slow:write done in "));
  }
}
