package io.tenure.config;

import io.tenure.errors.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads a small text file (the configuration) through Hadoop's FileSystem API. */
final class RemoteFiles {
  /** A configuration file is a few kilobytes; anything far larger is not one. */
  private static final int MAX_BYTES = 4 << 20;

  private RemoteFiles() {}

  static String read(String location) {
    Path path = new Path(location);
    try {
      // The driver's Hadoop configuration (HADOOP_CONF_DIR, core-site.xml) names the file systems.
      FileSystem fs = path.getFileSystem(new Configuration());
      if (!fs.isFile(path)) {
        throw Errors.usage(
            "Configuration file not found: "
                + location
                + ". Pass an existing file with --conf (a local path or a Hadoop URI such as"
                + " hdfs://, s3a://, file://).");
      }
      try (InputStream in = fs.open(path)) {
        byte[] bytes = in.readNBytes(MAX_BYTES + 1);
        if (bytes.length > MAX_BYTES) {
          throw Errors.usage("Configuration file " + location + " is larger than 4 MB.");
        }
        return new String(bytes, StandardCharsets.UTF_8);
      }
    } catch (IOException e) {
      throw Errors.config(
          "cannot read the configuration at " + location + ": " + e.getMessage(), e);
    }
  }
}
