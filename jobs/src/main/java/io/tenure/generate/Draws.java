package io.tenure.generate;

import java.time.LocalDate;

/**
 * Deterministic random draws as Spark SQL expressions: a draw is a hash of the seed, its name and
 * its keys, so the same seed gives the same data on any cluster, in any partitioning.
 */
record Draws(long seed, LocalDate start) {
  /** A uniform draw in (0, 1) from the seed, a draw name and key expressions. */
  String u(String name, String... keys) {
    return "((pmod(xxhash64("
        + seed
        + "L, '"
        + name
        + "', "
        + String.join(", ", keys)
        + "), 1000000007) + 0.5) / 1000000007.0)";
  }

  /** A standard normal draw (Box–Muller on two uniform draws). */
  String z(String name, String... keys) {
    return "(sqrt(-2 * ln("
        + u(name + "_a", keys)
        + ")) * cos(2 * pi() * "
        + u(name + "_b", keys)
        + "))";
  }

  String ts(String dayExpr, String localHourExpr, String tzCol, String secondsExpr) {
    return "timestamp_seconds(unix_seconds(timestamp'"
        + start
        + " 00:00:00') + cast(("
        + dayExpr
        + ") as bigint) * 86400 + cast(("
        + localHourExpr
        + " - "
        + tzCol
        + ") * 3600 as bigint) + cast("
        + secondsExpr
        + " as bigint))";
  }
}
