package io.tenure.errors;

/** Process exit codes, stable for schedulers (documented in README and docs/operations.md). */
public enum ExitCode {
  /** The run finished and wrote every requested table. */
  SUCCESS(0),
  /** Anything unexpected: a Spark failure, an I/O error, a bug. Usually worth a retry. */
  FAILURE(1),
  /** The command line or the configuration is wrong. A retry will fail the same way. */
  USAGE(2),
  /** The input data breaks the input contract. Fix the data or the column mapping, then re-run. */
  INVALID_INPUT(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
