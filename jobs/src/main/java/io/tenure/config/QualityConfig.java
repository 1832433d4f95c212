package io.tenure.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import io.tenure.errors.Errors;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads {@code tenure.quality} and {@code tenure.money} into {@link QualitySettings}: which rows
 * are usable, allowed values per table column, placeholder ids, the reporting currency and its
 * rates.
 */
final class QualityConfig {
  private static final String ROOT = ConfigLoader.ROOT;

  private QualityConfig() {}

  static QualitySettings read(Config t, ConfigReader r, String origin) {
    Optional<LocalDate> earliest =
        t.getIsNull("quality.earliest-date")
            ? Optional.empty()
            : Optional.of(r.parse("quality.earliest-date", LocalDate::parse));
    Map<String, List<String>> allowed = new TreeMap<>();
    Config values = t.getConfig("quality.allowed-values");
    for (String table : values.root().keySet()) {
      boolean known =
          java.util.Arrays.stream(TableKind.values()).anyMatch(k -> k.key().equals(table));
      if (!known || values.getValue(table).valueType() != ConfigValueType.OBJECT) {
        throw Errors.config(
            origin,
            ROOT + ".quality.allowed-values." + table,
            "expected <table>.<column> = [values] with table transactions, cancellations,"
                + " interactions or customers");
      }
      // Whether the column is an enum-like text column is checked against the input contract
      // when the table is read.
      for (String column : values.getConfig(table).root().keySet()) {
        String key = "quality.allowed-values." + table + "." + column;
        allowed.put(table + "." + column, r.strings(key));
      }
    }
    Map<String, BigDecimal> rates = new TreeMap<>();
    r.stringMap("money.rates")
        .forEach(
            (k, v) -> {
              try {
                rates.put(k, new BigDecimal(v));
              } catch (NumberFormatException e) {
                throw Errors.config(
                    origin, ROOT + ".money.rates." + k, "expected a number, got '" + v + "'");
              }
            });
    Optional<String> currency =
        t.getIsNull("money.currency") ? Optional.empty() : Optional.of(r.string("money.currency"));
    return r.build(
        "quality",
        () ->
            new QualitySettings(
                r.real("quality.max-quarantined-fraction"),
                earliest,
                allowed,
                currency,
                rates,
                r.duration("quality.max-handle-time").toMillis() / 1000.0,
                t.getIsNull("quality.max-days-after-data")
                    ? Optional.empty()
                    : Optional.of(r.integer("quality.max-days-after-data")),
                java.util.Set.copyOf(r.strings("quality.placeholder-customer-ids"))));
  }
}
