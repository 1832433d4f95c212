package io.tenure.config;

import java.util.Objects;

/**
 * Publishing the newest as-of date of every table to a SQL database for dashboards (PostgreSQL).
 *
 * @param url JDBC URL, e.g. jdbc:postgresql://db:5432/analytics
 * @param user database user
 * @param passwordEnv the environment variable that holds the password (never in a file)
 * @param schema the schema the tables live in (created if missing)
 */
public record JdbcSettings(String url, String user, String passwordEnv, String schema) {
  public JdbcSettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(passwordEnv, "passwordEnv");
    Objects.requireNonNull(schema, "schema");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "url must be a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/db), got " + url);
    }
    if (!schema.matches("[a-z_][a-z0-9_]*")) {
      throw new IllegalArgumentException(
          "schema must be a lower-case SQL identifier (letters, digits, _), got " + schema);
    }
  }
}
