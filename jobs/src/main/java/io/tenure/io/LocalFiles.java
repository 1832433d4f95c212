package io.tenure.io;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Where Tenure bypasses Hadoop's local file system for java.nio: its rename falls back to
 * copy-and-delete, and its create cannot be exclusive, so atomic moves and the lock use nio there;
 * its recursive listing starts a process per file, so listings walk the directories there.
 */
final class LocalFiles {
  private LocalFiles() {}

  /** Whether Spark's file listing skips a file or folder of this name (_SUCCESS, .crc, _x/). */
  static boolean isHidden(String name) {
    return name.startsWith("_") || name.startsWith(".");
  }

  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getScheme());
  }

  static java.nio.file.Path path(FileSystem fs, Path path) {
    return java.nio.file.Path.of(fs.makeQualified(path).toUri());
  }

  /**
   * Every file under {@code root} (or {@code root} itself when it is a file), recursively. Hadoop's
   * recursive listing (one request on an object store) builds a {@link LocatedFileStatus} per file,
   * which on the local file system without Hadoop's native library reads the permissions by
   * starting an {@code ls} process per file: 11-12 s for an input of 730 daily partitions, against
   * 0.1 s for this walk of plain statuses (docs/benchmarks.md).
   */
  static List<FileStatus> filesUnder(FileSystem fs, Path root) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if (!isLocal(fs)) {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        out.add(it.next());
      }
      return out;
    }
    Deque<Path> dirs = new ArrayDeque<>(List.of(root));
    while (!dirs.isEmpty()) {
      for (FileStatus st : fs.listStatus(dirs.pop())) {
        if (st.isDirectory()) {
          dirs.push(st.getPath());
        } else {
          out.add(st);
        }
      }
    }
    out.sort(java.util.Comparator.comparing((FileStatus st) -> st.getPath().toString()));
    return out;
  }
}
