package io.tenure.io;

import io.tenure.config.InputSettings;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The data files of a date-partitioned input, {@code <path>/<column>=yyyy-MM-dd/...}, by partition
 * date, with their lengths: what an incremental run compares with what it read before. Listed with
 * one recursive listing on object stores ({@link LocalFiles#filesUnder}).
 */
public record SourcePartitions(String root, Map<LocalDate, Map<String, Long>> files) {

  /** Lists the partitions of {@code in}, whose partition column must be set. */
  public static SourcePartitions list(InputSettings in, Configuration conf) {
    String column = in.partitionColumn().orElseThrow();
    String key = in.table().configPath() + ".partition-column";
    Path root = new Path(in.path());
    Map<LocalDate, Map<String, Long>> out = new TreeMap<>();
    String qualifiedRoot;
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        throw Errors.unreadableInput(
            in.table().key(),
            in.path(),
            in.table().configPath(),
            new java.io.FileNotFoundException(in.path()));
      }
      Path qualified = fs.makeQualified(root);
      qualifiedRoot = qualified.toString();
      for (FileStatus f : LocalFiles.filesUnder(fs, qualified)) {
        List<String> parts = relative(qualified, f.getPath());
        if (parts.stream().anyMatch(LocalFiles::isHidden)) {
          continue;
        }
        String top = parts.get(0);
        if (parts.size() < 2 || !top.startsWith(column + "=")) {
          throw Errors.partitionLayout(
              in.table().key(), key, column, f.getPath().toString(), "is not in a partition");
        }
        LocalDate date;
        try {
          date = LocalDate.parse(top.substring(column.length() + 1));
        } catch (DateTimeParseException e) {
          throw Errors.partitionLayout(
              in.table().key(), key, column, f.getPath().toString(), "has no yyyy-MM-dd date");
        }
        out.computeIfAbsent(date, d -> new TreeMap<>()).put(String.join("/", parts), f.getLen());
      }
    } catch (IOException e) {
      throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
    }
    return new SourcePartitions(qualifiedRoot, out);
  }

  /**
   * The full paths of the data files of the given partitions, qualified as Spark lists them (the
   * quarantine names the same file as a full run's).
   */
  public List<String> paths(java.util.Collection<LocalDate> dates) {
    List<String> out = new ArrayList<>();
    for (LocalDate d : dates) {
      files.getOrDefault(d, Map.of()).keySet().forEach(f -> out.add(root + "/" + f));
    }
    return out;
  }

  /**
   * Files of partition {@code date} that are not among {@code read} (name → length) or changed
   * length since: rows that arrived after that partition was read.
   */
  public List<String> changedSince(LocalDate date, Map<String, Long> read) {
    List<String> out = new ArrayList<>();
    files
        .getOrDefault(date, Map.of())
        .forEach(
            (name, length) -> {
              if (!length.equals(read.get(name))) {
                out.add(name);
              }
            });
    return out;
  }

  private static List<String> relative(Path root, Path file) {
    List<String> parts = new ArrayList<>();
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      parts.add(0, p.getName());
    }
    return parts;
  }
}
