package io.tenure.config;

/**
 * The input tables Tenure reads. Each table family needs some of them (transactions for cohorts and
 * churn, interactions for the service tables); at least one of transactions and interactions must
 * be configured. {@link #required()}: a configured table that is empty stops the run.
 */
public enum TableKind {
  TRANSACTIONS("transactions", true),
  CANCELLATIONS("cancellations", false),
  INTERACTIONS("interactions", false),
  CUSTOMERS("customers", false);

  private final String key;
  private final boolean required;

  TableKind(String key, boolean required) {
    this.key = key;
    this.required = required;
  }

  /** The name used in configuration ({@code tenure.inputs.<key>}) and in messages. */
  public String key() {
    return key;
  }

  public boolean required() {
    return required;
  }

  public String configPath() {
    return "tenure.inputs." + key;
  }
}
