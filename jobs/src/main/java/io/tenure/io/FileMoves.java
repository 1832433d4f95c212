package io.tenure.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file operations publishing is made of, on any Hadoop file system: moves that never copy,
 * deletes that fail loudly, and small files written whole or not at all.
 */
final class FileMoves {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private FileMoves() {}

  /** Writes a small file under a temporary name and renames it, so it is whole or absent. */
  static void writeAtomically(FileSystem fs, Path path, String text) throws IOException {
    Path tmp = new Path(path.getParent(), "." + path.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
    move(fs, tmp, path);
  }

  /**
   * Moves a file or directory to a path that must not exist, or throws. Never copies: Hadoop's
   * local file system falls back to copy-and-delete when a rename fails, which can leave a table
   * half moved or nested inside another; on a local disk this uses an atomic rename(2) instead.
   */
  static void move(FileSystem fs, Path from, Path to) throws IOException {
    if (fs.exists(to)) {
      throw new IOException("cannot move " + from + " to " + to + ": the target exists");
    }
    if (!fs.mkdirs(to.getParent())) {
      throw new IOException("cannot create the directory " + to.getParent());
    }
    if (LocalFiles.isLocal(fs)) {
      try {
        java.nio.file.Files.move(
            LocalFiles.path(fs, from),
            LocalFiles.path(fs, to),
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new IOException(
            "cannot move " + from + " to " + to + " (" + e.getClass().getSimpleName() + ")", e);
      }
    } else if (!fs.rename(from, to)) {
      throw new IOException("cannot move " + from + " to " + to);
    }
  }

  /** Deletes a path (recursively) if it exists, or throws. */
  static void delete(FileSystem fs, Path path) throws IOException {
    if (fs.exists(path) && !fs.delete(path, true)) {
      throw new IOException("cannot delete " + path);
    }
  }

  static void deleteIfEmpty(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0 && !fs.delete(dir, false)) {
      LOG.warn("Could not remove the empty directory {}", dir);
    }
  }
}
