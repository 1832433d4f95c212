package io.tenure.config;

/** How a date that does not parse is explained to the user. */
public final class Dates {
  private Dates() {}

  /**
   * "expected yyyy-MM-dd" for text in another shape; for a yyyy-MM-dd that is no calendar day
   * (2024-02-30), the parser's reason ("Invalid date 'FEBRUARY 30'").
   */
  public static String problem(String raw, String parserMessage) {
    if (raw != null && raw.trim().matches("\\d{4}-\\d{2}-\\d{2}")) {
      int at = parserMessage == null ? -1 : parserMessage.indexOf(": ");
      String reason = at < 0 ? "no such day" : parserMessage.substring(at + 2);
      return raw.trim() + " is not a calendar date (" + reason + ")";
    }
    return "expected yyyy-MM-dd, e.g. 2024-12-31";
  }
}
