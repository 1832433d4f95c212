package io.tenure.io;

import io.tenure.errors.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intermediate results that a run computes once and reads many times (the validated inputs, the
 * activity base), kept as Parquet under {@code <output>/_staging/_work-<id>/} and removed when the
 * run ends, whether it succeeds or fails.
 *
 * <p>Parquet rather than Spark's cache: building the cache of 8 M transactions took 1.6–2.4 × as
 * long as writing them as Parquet, and reading Parquet back prunes columns and pushes filters down
 * (docs/benchmarks.md). The files are on the output's file system, so every executor of a cluster
 * reads them. A run killed outright cannot remove its work files: the next run of the same as-of
 * date removes them (runs of one date never overlap, as for {@link OutputWriter#recover()}), and
 * any run removes work files older than {@link #ABANDONED_AFTER} (a run killed before it knew its
 * as-of date). No reader of the outputs ever looks inside {@code _staging}.
 */
public final class WorkArea implements AutoCloseable {
  static final String PREFIX = "_work-";
  private static final String DATE_FILE = "_as_of";

  /** Work files of a run this old were left by a run that was killed. */
  static final Duration ABANDONED_AFTER = Duration.ofHours(24);

  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final Path staging;
  private final Path dir;

  public WorkArea(SparkSession spark, String outputRoot) {
    this.spark = spark;
    this.staging = new Path(outputRoot, OutputWriter.STAGING);
    this.dir = new Path(staging, PREFIX + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * Writes {@code rows} once and returns them read back from the written files, with the schema
   * they were written with (inferring it would cost a Spark job per table).
   */
  public Dataset<Row> keep(String name, Dataset<Row> rows) {
    String path = new Path(dir, name).toString();
    rows.write().mode(SaveMode.ErrorIfExists).parquet(path);
    return spark.read().schema(rows.schema()).parquet(path);
  }

  /**
   * Records the run's as-of date once it is known, and removes the work files that killed runs of
   * the same date left behind.
   */
  public void dated(LocalDate asOf) {
    try {
      FileSystem fs = fs();
      try (OutputStream out = fs.create(new Path(dir, DATE_FILE), true)) {
        out.write(asOf.toString().getBytes(StandardCharsets.UTF_8));
      }
      for (FileStatus st : workDirs(fs)) {
        if (!st.getPath().equals(fs.makeQualified(dir)) && asOf.equals(dateOf(fs, st.getPath()))) {
          LOG.warn("Removing work files a killed run of {} left behind: {}", asOf, st.getPath());
          fs.delete(st.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw Errors.failure(
          "Cannot write under " + dir + ": " + e.getMessage() + ". Check the output path.", e);
    }
  }

  /** Removes this run's work files, and work files that killed runs left behind long ago. */
  @Override
  public void close() {
    try {
      FileSystem fs = fs();
      fs.delete(dir, true);
      long now = System.currentTimeMillis();
      for (FileStatus st : workDirs(fs)) {
        if (now - st.getModificationTime() > ABANDONED_AFTER.toMillis()) {
          LOG.warn("Removing work files a killed run left behind: {}", st.getPath());
          fs.delete(st.getPath(), true);
        }
      }
      if (fs.exists(staging) && fs.listStatus(staging).length == 0) {
        fs.delete(staging, false);
      }
    } catch (IOException e) {
      LOG.warn("Could not remove the work files under {}: {}", dir, e.getMessage());
    }
  }

  private List<FileStatus> workDirs(FileSystem fs) throws IOException {
    if (!fs.exists(staging)) {
      return List.of();
    }
    return Arrays.stream(fs.listStatus(staging))
        .filter(st -> st.isDirectory() && st.getPath().getName().startsWith(PREFIX))
        .toList();
  }

  private static LocalDate dateOf(FileSystem fs, Path workDir) throws IOException {
    Path file = new Path(workDir, DATE_FILE);
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      return LocalDate.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  private FileSystem fs() throws IOException {
    return dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
