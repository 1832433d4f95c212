package io.tenure.config;

import java.util.Locale;

/** The optional customer dimension that cohort retention is broken down by. */
public enum Breakdown {
  NONE("none", null),
  SEGMENT("segment", "segment"),
  COUNTRY("country", "country"),
  /** The channel of the customer's first purchase (from transactions). */
  FIRST_CHANNEL("first-channel", "first_channel");

  private final String key;
  private final String column;

  Breakdown(String key, String column) {
    this.key = key;
    this.column = column;
  }

  public String key() {
    return key;
  }

  /** The customer attribute column this breakdown reads, or null for {@link #NONE}. */
  public String column() {
    return column;
  }

  /** Segment and country come from the optional customers table. */
  public boolean needsCustomers() {
    return this == SEGMENT || this == COUNTRY;
  }

  public static Breakdown parse(String value) {
    for (Breakdown b : values()) {
      if (b.key.equals(value.toLowerCase(Locale.ROOT))) {
        return b;
      }
    }
    throw new IllegalArgumentException(
        "unknown breakdown '" + value + "'; expected none, segment, country or first-channel");
  }
}
