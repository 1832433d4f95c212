package io.tenure.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.tenure.errors.Errors;
import java.time.DateTimeException;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** Typed reads that turn every failure into a message with the file and the full key. */
record ConfigReader(Config t, String origin) {
  private static final String ROOT = ConfigLoader.ROOT;

  String string(String path) {
    return read(path, () -> t.getString(path));
  }

  int integer(String path) {
    return read(path, () -> t.getInt(path));
  }

  boolean bool(String path) {
    return read(path, () -> t.getBoolean(path));
  }

  /** A map of HOCON durations (60s, 2m, 24h; a bare number is milliseconds) in seconds. */
  java.time.Duration duration(String path) {
    return read(path, () -> t.getDuration(path));
  }

  Map<String, Double> seconds(String path) {
    Map<String, Double> out = new TreeMap<>();
    Config sub = read(path, () -> t.getConfig(path));
    for (String key : sub.root().keySet()) {
      String full = path + "." + ConfigUtil.quoteString(key);
      out.put(key, read(path + "." + key, () -> t.getDuration(full).toMillis() / 1000.0));
    }
    return out;
  }

  List<String> strings(String path) {
    return read(path, () -> t.getStringList(path));
  }

  double real(String path) {
    return read(path, () -> t.getDouble(path));
  }

  <T> T parse(String path, Function<String, T> parser) {
    String raw = string(path);
    try {
      return parser.apply(raw);
    } catch (IllegalArgumentException | DateTimeException e) {
      String why =
          e instanceof DateTimeParseException ? Dates.problem(raw, e.getMessage()) : e.getMessage();
      throw Errors.config(origin, ROOT + "." + path, "invalid value '" + raw + "': " + why);
    }
  }

  Map<String, String> stringMap(String path) {
    Map<String, String> out = new TreeMap<>();
    Config sub = read(path, () -> t.getConfig(path));
    for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.OBJECT || v.valueType() == ConfigValueType.LIST) {
        throw Errors.config(origin, ROOT + "." + path + "." + e.getKey(), "expected a plain value");
      }
      out.put(stripQuotes(e.getKey()), String.valueOf(v.unwrapped()));
    }
    return out;
  }

  /**
   * Builds a settings record; its range errors start with the offending key ("inactivity-days must
   * be ..."), which is then named in full (tenure.churn.inactivity-days), not the group.
   */
  <T> T build(String path, java.util.function.Supplier<T> ctor) {
    try {
      return ctor.get();
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      String first = message.split("[ :]", 2)[0];
      String group = path.contains(".") ? path.substring(0, path.lastIndexOf('.')) : path;
      String key =
          t.hasPathOrNull(group + "." + first)
              ? group + "." + first
              : t.hasPathOrNull(path + "." + first) ? path + "." + first : path;
      throw Errors.config(origin, ROOT + "." + key, message);
    }
  }

  private <T> T read(String path, java.util.function.Supplier<T> getter) {
    try {
      return getter.get();
    } catch (ConfigException.Missing e) {
      throw Errors.config(origin, ROOT + "." + path, "a value is required");
    } catch (ConfigException.WrongType e) {
      throw Errors.config(origin, ROOT + "." + path, "wrong type: " + e.getMessage());
    }
  }

  private static String stripQuotes(String key) {
    return key.length() > 1 && key.startsWith("\"") && key.endsWith("\"")
        ? key.substring(1, key.length() - 1)
        : key;
  }
}
