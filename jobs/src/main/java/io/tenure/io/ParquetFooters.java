package io.tenure.io;

import io.tenure.config.InputSettings;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the footer of every Parquet file of an input before the scan, so that a corrupt or
 * truncated file, or a column whose type changed between files, is reported by name (exit 3)
 * instead of failing deep inside a Spark task. Footers are a few kilobytes each; they are read on
 * the driver with a small thread pool.
 */
public final class ParquetFooters {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final int THREADS = 8;

  private ParquetFooters() {}

  /**
   * Reads the footers of all data files under the input's path; an unreadable one is the "corrupt
   * file" error (exit 3).
   */
  static Map<String, MessageType> read(InputSettings in, Configuration conf) {
    try {
      return read(in, dataFiles(in.path(), conf), conf);
    } catch (IOException e) {
      throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
    }
  }

  /** Reads the footers of the given data files of an input (an incremental run's partitions). */
  static Map<String, MessageType> read(InputSettings in, List<String> files, Configuration conf) {
    return readAll(in, files.toArray(String[]::new), conf);
  }

  /**
   * Fails when a column Tenure reads has different types in different files, or a required one is
   * missing from some files.
   *
   * @param columns the source columns Tenure reads, with whether each is required
   */
  static void checkDrift(
      InputSettings in, Map<String, MessageType> schemas, Map<String, Boolean> columns) {
    for (Map.Entry<String, Boolean> column : columns.entrySet()) {
      String firstFile = null;
      String firstType = null;
      List<String> without = new ArrayList<>();
      for (Map.Entry<String, MessageType> f : schemas.entrySet()) {
        Optional<String> type = typeOf(f.getValue(), column.getKey());
        if (type.isEmpty()) {
          without.add(f.getKey());
        } else if (firstType == null) {
          firstFile = f.getKey();
          firstType = type.get();
        } else if (!firstType.equals(type.get())) {
          throw Errors.schemaDrift(
              in.table().key(),
              column.getKey(),
              firstFile + " has " + firstType + ", " + f.getKey() + " has " + type.get());
        }
      }
      if (firstType != null && !without.isEmpty()) {
        String where = firstFile + " has it, " + without.get(0) + " does not";
        if (column.getValue()) {
          throw Errors.schemaDrift(in.table().key(), column.getKey(), where);
        }
        LOG.warn(
            "Input {}: optional column '{}' is missing from {} of {} files ({}); it reads as"
                + " null there",
            in.table().key(),
            column.getKey(),
            without.size(),
            schemas.size(),
            where);
      }
    }
  }

  /** The data files under a path, as Spark lists them (names starting with _ or . are skipped). */
  static List<String> dataFiles(String path, Configuration conf) throws IOException {
    FileSystem fs = new Path(path).getFileSystem(conf);
    // Qualified like the listed files, so that the walk up from a file stops at the root and a
    // folder above it named _x or .x does not hide everything.
    Path root = fs.makeQualified(new Path(path));
    List<String> out = new ArrayList<>();
    if (!fs.exists(root)) {
      return out;
    }
    for (FileStatus f : LocalFiles.filesUnder(fs, root)) {
      Path p = f.getPath();
      boolean hidden = false;
      for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
        hidden |= LocalFiles.isHidden(q.getName());
      }
      if (!hidden) {
        out.add(p.toString());
      }
    }
    return out;
  }

  private static Map<String, MessageType> readAll(
      InputSettings in, String[] files, Configuration conf) {
    return inParallel(
        List.of(files),
        file -> footer(file, conf),
        (file, ex) -> Errors.corruptFile(in.table().key(), file, in.table().configPath(), ex));
  }

  /** What a footer gives, read from one file. */
  private interface FooterRead<T> {
    T apply(String file) throws IOException;
  }

  /** {@code read} applied to every file by a few threads (footers on object stores are slow). */
  private static <T> Map<String, T> inParallel(
      List<String> files,
      FooterRead<T> read,
      BiFunction<String, ExecutionException, RuntimeException> failure) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(THREADS, files.size() + 1));
    try {
      Map<String, Future<T>> pending = new LinkedHashMap<>();
      for (String file : files) {
        pending.put(file, pool.submit(() -> read.apply(file)));
      }
      Map<String, T> out = new LinkedHashMap<>();
      for (Map.Entry<String, Future<T>> e : pending.entrySet()) {
        try {
          out.put(e.getKey(), e.getValue().get());
        } catch (ExecutionException ex) {
          throw failure.apply(e.getKey(), ex);
        } catch (InterruptedException ex) {
          Thread.currentThread().interrupt();
          throw Errors.failure("Interrupted while reading Parquet footers", ex);
        }
      }
      return out;
    } finally {
      pool.shutdownNow();
    }
  }

  /** The number of rows in Parquet files, from their footers (the data is not read). */
  public static long rows(List<String> files, Configuration conf) {
    Map<String, Long> counts =
        inParallel(
            files,
            file -> {
              try (ParquetFileReader reader =
                  ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
                return reader.getRecordCount();
              }
            },
            (file, ex) ->
                Errors.failure(
                    "Cannot read the Parquet footer of " + file + ": " + ex.getCause().getMessage(),
                    ex));
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private static MessageType footer(String file, Configuration conf) throws IOException {
    try (ParquetFileReader reader =
        ParquetFileReader.open(HadoopInputFile.fromPath(new Path(file), conf))) {
      return reader.getFooter().getFileMetaData().getSchema();
    }
  }

  /** The physical and logical type of a top-level column, matched like Spark (case-insensitive). */
  private static Optional<String> typeOf(MessageType schema, String column) {
    for (Type t : schema.getFields()) {
      if (t.getName().toLowerCase(Locale.ROOT).equals(column.toLowerCase(Locale.ROOT))) {
        if (!t.isPrimitive()) {
          return Optional.of(t.toString());
        }
        String physical =
            t.asPrimitiveType().getPrimitiveTypeName().name().toLowerCase(Locale.ROOT);
        return Optional.of(
            t.getLogicalTypeAnnotation() == null
                ? physical
                : physical + " (" + t.getLogicalTypeAnnotation() + ")");
      }
    }
    return Optional.empty();
  }
}
