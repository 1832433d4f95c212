package io.tenure.errors;

/** A failure Tenure understands: it carries the exit code and a message that says what to do. */
public final class TenureException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ExitCode exitCode;

  TenureException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
