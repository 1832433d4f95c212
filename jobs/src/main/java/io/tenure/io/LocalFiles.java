package io.tenure.io;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where Tenure bypasses Hadoop's local file system for java.nio: its rename falls back to
 * copy-and-delete, and its create cannot be exclusive, so atomic moves and the lock use nio there.
 */
final class LocalFiles {
  private LocalFiles() {}

  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getScheme());
  }

  static java.nio.file.Path path(FileSystem fs, Path path) {
    return java.nio.file.Path.of(fs.makeQualified(path).toUri());
  }
}
