package io.tenure.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tenure.config.ServiceSettings;
import org.apache.spark.sql.Column;

/** What the service tables and the retention drivers agree a contact is. */
final class Contacts {
  private Contacts() {}

  /**
   * Whether a contact's channel expects an answer: with response targets configured, the channels
   * that have one (self-service contacts are never "abandoned"); without any, every channel.
   */
  static Column expectsResponse(ServiceSettings settings) {
    return settings.responseTargets().isEmpty()
        ? lit(true)
        : col("channel").isin(settings.responseTargets().keySet().toArray());
  }
}
