package io.tenure.io;

import io.tenure.errors.Errors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes output tables so that readers never see a half-written table.
 *
 * <p>Layout: {@code <root>/<table>/as_of=<yyyy-MM-dd>/part-*.parquet} (with {@code _SUCCESS}), and
 * {@code <root>/_manifests/as_of=<date>.json}. Every table is first written under {@code
 * <root>/_staging/<run-id>/}; only when all of them are written and checked does {@link #publish}
 * move each into place with a directory rename, replacing that as-of date's previous output. Other
 * as-of dates are never touched. The manifest is written last.
 */
public final class OutputWriter {
  public static final String STAGING = "_staging";
  public static final String MANIFESTS = "_manifests";

  private final SparkSession spark;
  private final Path root;
  private final String partition;
  private final Path staging;
  private final Map<String, Path> staged = new LinkedHashMap<>();

  public OutputWriter(SparkSession spark, String root, LocalDate asOf, String runId) {
    this.spark = spark;
    this.root = new Path(root);
    this.partition = "as_of=" + asOf;
    this.staging = new Path(new Path(this.root, STAGING), runId);
  }

  /**
   * Writes one table to the staging area and returns its row count (read back from the Parquet
   * footers, not recomputed).
   *
   * @param files the number of files to write, or 0 to keep the partitioning Spark chose
   */
  public long stage(String table, Dataset<Row> rows, int files) {
    Path target = new Path(new Path(staging, table), partition);
    Dataset<Row> shaped = files > 0 ? rows.coalesce(files) : rows;
    shaped.write().mode(SaveMode.ErrorIfExists).parquet(target.toString());
    staged.put(table, target);
    return spark.read().parquet(target.toString()).count();
  }

  /** A staged table, for checks before publishing. */
  public Dataset<Row> readStaged(String table) {
    return spark.read().parquet(staged.get(table).toString());
  }

  /** Moves every staged table into place, then writes the manifest. */
  public Path publish(String manifestJson) {
    FileSystem fs = fs();
    try {
      List<Path> published = new ArrayList<>();
      for (Map.Entry<String, Path> e : staged.entrySet()) {
        Path target = new Path(new Path(root, e.getKey()), partition);
        Path previous = new Path(new Path(staging, "_previous"), e.getKey());
        fs.mkdirs(target.getParent());
        if (fs.exists(target) && !rename(fs, target, previous)) {
          throw new IOException("cannot move aside the previous output " + target);
        }
        if (!rename(fs, e.getValue(), target)) {
          throw new IOException("cannot move " + e.getValue() + " to " + target);
        }
        published.add(target);
      }
      Path manifestDir = new Path(root, MANIFESTS);
      fs.mkdirs(manifestDir);
      Path manifest = new Path(manifestDir, partition + ".json");
      Path tmp = new Path(staging, "manifest.json");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(manifestJson.getBytes(StandardCharsets.UTF_8));
      }
      fs.delete(manifest, false);
      if (!rename(fs, tmp, manifest)) {
        throw new IOException("cannot write the manifest " + manifest);
      }
      fs.delete(staging, true);
      deleteIfEmpty(fs, new Path(root, STAGING));
      return manifest;
    } catch (IOException e) {
      throw Errors.failure(
          "Publishing outputs under "
              + root
              + " failed: "
              + e.getMessage()
              + ". Staged files are kept under "
              + staging
              + " for inspection; re-run the date.",
          e);
    }
  }

  /** Removes everything this run staged; published outputs are untouched. */
  public void abort() {
    try {
      FileSystem fs = fs();
      fs.delete(staging, true);
      deleteIfEmpty(fs, new Path(root, STAGING));
    } catch (IOException e) {
      // The run is already failing; the staging directory is harmless and named in the log.
    }
  }

  private static boolean rename(FileSystem fs, Path from, Path to) throws IOException {
    fs.mkdirs(to.getParent());
    return fs.rename(from, to);
  }

  private static void deleteIfEmpty(FileSystem fs, Path dir) throws IOException {
    if (fs.exists(dir) && fs.listStatus(dir).length == 0) {
      fs.delete(dir, false);
    }
  }

  private FileSystem fs() {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      return root.getFileSystem(conf);
    } catch (IOException e) {
      throw Errors.failure("Cannot open the output file system for " + root, e);
    }
  }
}
