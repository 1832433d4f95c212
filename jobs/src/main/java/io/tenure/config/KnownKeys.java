package io.tenure.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.tenure.errors.Errors;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key must be one of reference.conf's, except inside the sub-trees whose keys
 * are the user's (column names, Spark options, currency codes, ...): a misspelt key is an error
 * (exit 2) naming where it came from, never silently ignored.
 */
final class KnownKeys {
  private static final String ROOT = ConfigLoader.ROOT;

  /** Sub-trees whose keys are free-form (user column names, Spark options). */
  private static final List<String> FREE_FORM =
      List.of(
          ".columns",
          ".expressions",
          ".options",
          "tenure.spark.conf",
          "tenure.money.rates",
          "tenure.quality.allowed-values",
          "tenure.service.response-targets",
          "tenure.service.handle-time-targets",
          "tenure.service.business-hours.weekly");

  private KnownKeys() {}

  static void check(Config merged, String origin) {
    Config reference = ConfigFactory.defaultReference(KnownKeys.class.getClassLoader());
    for (Map.Entry<String, ConfigValue> e : merged.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(ROOT + ".") || isFreeForm(key)) {
        continue;
      }
      if (!reference.hasPathOrNull(key)) {
        String from = e.getValue().origin().description();
        throw Errors.config(
            from.startsWith("command-line") ? "a -D override" : origin,
            key,
            "unknown key (misspelt?). The valid keys are listed in conf/application.conf");
      }
    }
  }

  private static boolean isFreeForm(String key) {
    for (String f : FREE_FORM) {
      if (f.startsWith(ROOT) ? key.startsWith(f + ".") : key.contains(f + ".")) {
        return true;
      }
    }
    return false;
  }
}
