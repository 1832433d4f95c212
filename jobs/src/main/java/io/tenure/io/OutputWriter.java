package io.tenure.io;

import io.tenure.errors.Errors;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes output tables so that readers never see a half-written table, and a failed or killed run
 * leaves the previous output of its as-of date in place.
 *
 * <p>Layout: {@code <root>/<table>/as_of=<yyyy-MM-dd>/part-*.parquet} (with {@code _SUCCESS}), and
 * {@code <root>/_manifests/as_of=<date>.json}. Every table is first written under {@code
 * <root>/_staging/<run-id>/}; only when all of them are written and checked does {@link #publish}
 * move each into place with directory renames. Before the first rename it writes a journal ({@code
 * _staging/<run-id>/_publish.json}) of what it is about to replace; the previous output is moved
 * aside into the staging directory, not deleted. The manifest is written last and is the commit
 * point: a run whose manifest is in place has published.
 *
 * <p>A run killed while publishing leaves a journal without a matching manifest. The next run of
 * the same as-of date {@linkplain #recover() rolls it back} before it starts: previous outputs go
 * back into place, tables that had none are removed. Other as-of dates are never touched.
 */
public final class OutputWriter {
  public static final String STAGING = "_staging";
  public static final String MANIFESTS = "_manifests";
  static final String JOURNAL = "_publish.json";
  private static final String PREVIOUS = "_previous";
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final Path root;
  private final LocalDate asOf;
  private final String partition;
  private final String runId;
  private final Path staging;
  private final Map<String, Path> staged = new LinkedHashMap<>();
  private final Map<String, StructType> schemas = new LinkedHashMap<>();

  public OutputWriter(SparkSession spark, String root, LocalDate asOf, String runId) {
    if (!runId.startsWith(asOf + "-")) {
      throw new IllegalArgumentException("a run id starts with its as-of date: " + runId);
    }
    this.spark = spark;
    this.root = new Path(root);
    this.asOf = asOf;
    this.partition = "as_of=" + asOf;
    this.runId = runId;
    this.staging = new Path(new Path(this.root, STAGING), runId);
  }

  /**
   * Writes one table to the staging area and returns its row count, read from the footers of the
   * files written (not recomputed, and without a Spark job: on small tables the job to count them
   * cost as much as writing them).
   *
   * @param files the number of files to write, or 0 to keep the partitioning Spark chose
   */
  public long stage(String table, Dataset<Row> rows, int files) {
    Path target = new Path(new Path(staging, table), partition);
    Dataset<Row> injected = FaultInjection.rows(table, rows);
    Dataset<Row> shaped = files > 0 ? injected.coalesce(files) : injected;
    shaped.write().mode(SaveMode.ErrorIfExists).parquet(target.toString());
    staged.put(table, target);
    schemas.put(table, shaped.schema());
    FaultInjection.point("staged:" + table);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      return ParquetFooters.rows(ParquetFooters.dataFiles(target.toString(), conf), conf);
    } catch (IOException e) {
      throw Errors.failure(
          "Cannot list the staged files under " + target + ": " + e.getMessage(), e);
    }
  }

  /**
   * Stages a directory that is not a table (a fitted model): {@code write} writes it into the
   * staging path it is given; it is published, and rolled back, like a table.
   */
  public void stageDirectory(String name, java.util.function.Consumer<String> write) {
    Path target = new Path(new Path(staging, name), partition);
    write.accept(target.toString());
    staged.put(name, target);
    FaultInjection.point("staged:" + name);
  }

  /**
   * A staged table, for checks before publishing; read with the schema it was written with (Spark
   * would otherwise run a job to infer it from a footer).
   */
  public Dataset<Row> readStaged(String table) {
    return spark.read().schema(schemas.get(table)).parquet(staged.get(table).toString());
  }

  /**
   * Cleans up after earlier runs of this as-of date that did not finish: rolls back a publish that
   * was cut off and removes what they staged. Call before staging anything.
   *
   * @return the run ids that were cleaned up
   */
  public List<String> recover() {
    FileSystem fs = fs();
    List<String> cleaned = new ArrayList<>();
    try {
      Path stagingRoot = new Path(root, STAGING);
      if (!fs.exists(stagingRoot)) {
        return cleaned;
      }
      for (FileStatus st : fs.listStatus(stagingRoot)) {
        String other = st.getPath().getName();
        if (!st.isDirectory() || !other.startsWith(asOf + "-") || other.equals(runId)) {
          continue;
        }
        Path journal = new Path(st.getPath(), JOURNAL);
        if (fs.exists(journal) && !committed(fs, other)) {
          rollBack(fs, st.getPath(), PublishJournal.hadPrevious(fs, journal));
          LOG.warn("Rolled back the unfinished publish of run {} ({})", other, partition);
        } else {
          LOG.warn("Removing what the unfinished run {} staged", other);
        }
        FileMoves.delete(fs, st.getPath());
        cleaned.add(other);
      }
      return cleaned;
    } catch (IOException e) {
      throw Errors.failure(
          "Cannot clean up an earlier unfinished run under "
              + new Path(root, STAGING)
              + ": "
              + e.getMessage()
              + ". Check the permissions of the output path.",
          e);
    }
  }

  /** Moves every staged table into place, then writes the manifest. */
  public Path publish(String manifestJson) {
    FileSystem fs = fs();
    try {
      Map<String, Boolean> hadPrevious = new LinkedHashMap<>();
      for (String table : staged.keySet()) {
        hadPrevious.put(table, fs.exists(target(table)));
      }
      FileMoves.writeAtomically(
          fs, new Path(staging, JOURNAL), PublishJournal.json(runId, asOf, hadPrevious));
      for (Map.Entry<String, Path> e : staged.entrySet()) {
        Path target = target(e.getKey());
        if (hadPrevious.get(e.getKey())) {
          FileMoves.move(fs, target, new Path(new Path(staging, PREVIOUS), e.getKey()));
        }
        FaultInjection.point("publish:moved-aside:" + e.getKey());
        FileMoves.move(fs, e.getValue(), target);
      }
      FaultInjection.point("publish:before-manifest");
      Path manifest = manifest();
      Path tmp = new Path(staging, "manifest.json");
      FileMoves.writeAtomically(fs, tmp, manifestJson);
      FileMoves.delete(fs, manifest);
      FileMoves.move(fs, tmp, manifest);
      FaultInjection.point("publish:committed");
    } catch (IOException | org.apache.hadoop.fs.FSError e) {
      // Hadoop reports a full or failing local disk as FSError, an Error, not an IOException.
      String cause = String.valueOf(e.getMessage());
      String hint =
          cause.contains("No space left")
              ? " (the disk is full: free space under " + root + ")"
              : cause.contains("Permission denied") || cause.contains("AccessDenied")
                  ? " (no permission: the output path must be writable by this user)"
                  : "";
      throw Errors.failure(
          "Publishing outputs under " + root + " failed: " + cause + hint + ". " + undo(fs), e);
    }
    try {
      FileMoves.delete(fs, staging);
      FileMoves.deleteIfEmpty(fs, new Path(root, STAGING));
    } catch (IOException e) {
      LOG.warn("Published, but could not remove {}: {}", staging, e.getMessage());
    }
    return manifest();
  }

  /** Puts the previous output back after a failed publish, and says what happened. */
  private String undo(FileSystem fs) {
    try {
      rollBack(fs, staging, PublishJournal.hadPrevious(fs, new Path(staging, JOURNAL)));
      return "The previous output of "
          + asOf
          + " was put back unchanged; fix the cause and re-run the date.";
    } catch (IOException e) {
      return "Putting the previous output of "
          + asOf
          + " back failed too ("
          + e.getMessage()
          + "); it is kept in "
          + new Path(staging, PREVIOUS)
          + ", and the next run of the date puts it back before anything else. Fix the cause"
          + " (permissions, space) and re-run the date.";
    }
  }

  /**
   * The entries of the manifest in place for tables this run does not replace and that are still
   * published (a run with {@code --only} keeps them listed), each marked with the run that wrote
   * it.
   */
  public Map<String, Object> keptFromEarlierRun(java.util.Set<String> replaced) {
    try {
      return ManifestInPlace.entriesStillPublished(fs(), manifest(), replaced, this::target);
    } catch (IOException e) {
      LOG.warn("Could not read the earlier manifest {}: {}", manifest(), e.getMessage());
      return new LinkedHashMap<>();
    }
  }

  /** Removes everything this run staged; published outputs are untouched. */
  public void abort() {
    try {
      FileSystem fs = fs();
      Path journal = new Path(staging, JOURNAL);
      if (fs.exists(journal) && !committed(fs, runId)) {
        rollBack(fs, staging, PublishJournal.hadPrevious(fs, journal));
      }
      // Only once nothing of the previous output is left in it: the journal and the moved-aside
      // tables are what the next run restores from.
      FileMoves.delete(fs, staging);
      FileMoves.deleteIfEmpty(fs, new Path(root, STAGING));
    } catch (IOException e) {
      // The run is already failing; the next run of this date finishes the clean-up.
      LOG.warn("Could not clean up {}: {}", staging, e.getMessage());
    }
  }

  /** Puts back what a cut-off publish replaced, and removes tables that had no previous output. */
  private void rollBack(FileSystem fs, Path runStaging, Map<String, Boolean> hadPrevious)
      throws IOException {
    for (Map.Entry<String, Boolean> e : hadPrevious.entrySet()) {
      Path target = target(e.getKey());
      Path previous = new Path(new Path(runStaging, PREVIOUS), e.getKey());
      if (fs.exists(previous)) {
        FileMoves.delete(fs, target);
        FileMoves.move(fs, previous, target);
      } else if (!e.getValue()) {
        FileMoves.delete(fs, target);
      }
    }
  }

  /** Whether the manifest in place was written by {@code otherRun}. */
  private boolean committed(FileSystem fs, String otherRun) throws IOException {
    return ManifestInPlace.writtenBy(fs, manifest(), otherRun);
  }

  private Path target(String table) {
    return new Path(new Path(root, table), partition);
  }

  private Path manifest() {
    return new Path(new Path(root, MANIFESTS), partition + ".json");
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
