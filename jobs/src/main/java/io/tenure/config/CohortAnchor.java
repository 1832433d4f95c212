package io.tenure.config;

import java.util.Locale;

/** What puts a customer into an acquisition cohort. */
public enum CohortAnchor {
  /** The period of the customer's first purchase (default; needs only transactions). */
  FIRST_PURCHASE("first-purchase"),
  /**
   * The period of {@code customers.signup_at}; customers without a signup date fall back to their
   * first purchase. Needs the customers table.
   */
  SIGNUP("signup");

  private final String key;

  CohortAnchor(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static CohortAnchor parse(String value) {
    for (CohortAnchor a : values()) {
      if (a.key.equals(value.toLowerCase(Locale.ROOT))) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown cohort anchor '" + value + "'; expected first-purchase or signup");
  }
}
