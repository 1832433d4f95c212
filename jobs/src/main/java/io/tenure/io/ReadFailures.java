package io.tenure.io;

import io.tenure.config.InputSettings;
import io.tenure.errors.Errors;
import io.tenure.errors.TenureException;
import java.util.Collection;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises Spark's failure to read an input file, which surfaces in whichever action first scans
 * the damaged part of a file (the footers were fine), and turns it into the input error that names
 * the table, the file and the config key.
 */
public final class ReadFailures {
  private static final Pattern READ_ERROR =
      Pattern.compile(
          "(?:Encountered error while reading file|Parquet column cannot be converted in file)"
              + " (\\S+?)\\.(?:\\s|$)");

  private ReadFailures() {}

  /** The input error behind {@code e}, if Spark failed while reading an input file. */
  public static Optional<TenureException> explain(Throwable e, Collection<InputSettings> inputs) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof TenureException te) {
        return Optional.of(te);
      }
      Matcher m = READ_ERROR.matcher(String.valueOf(t.getMessage()));
      if (m.find()) {
        String file = m.group(1);
        InputSettings in =
            inputs.stream()
                .filter(i -> file.contains(stripScheme(i.path())))
                .findFirst()
                .orElse(null);
        return Optional.of(
            Errors.corruptFile(
                in == null ? "?" : in.table().key(),
                file,
                in == null ? "tenure.inputs.<table>" : in.table().configPath(),
                t));
      }
    }
    return Optional.empty();
  }

  private static String stripScheme(String path) {
    String p = path.replaceFirst("^[a-zA-Z][a-zA-Z0-9+.-]*:/*", "/");
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
