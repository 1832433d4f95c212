package io.tenure.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Tenure's version, from the properties file Maven filters at build time. */
public final class Version {
  private Version() {}

  public static String get() {
    try (InputStream in = Version.class.getResourceAsStream("/tenure-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
