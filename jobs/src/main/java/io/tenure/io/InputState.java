package io.tenure.io;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.config.TableKind;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What incremental runs keep under {@code <output>/_state/}: the rows of each partitioned input as
 * judged by their own rules, by day while a later run can read the day's month again ({@code
 * <table>/run=<id>/p=<yyyy-MM-dd>/}), by month after that ({@code p=<yyyy-MM>}; the pipeline's
 * {@code MonthlyState} decides; files are never rewritten in place), and per as-of date a version
 * file ({@code _versions/<date>.json}) naming the directory that holds each source partition, the
 * files it was read from, and the currencies seen, and the directories of what the rules across
 * rows found ({@code judged/run=<id>/<name>/}) and of the activity per customer and period ({@code
 * customer_periods-<grain>/run=<id>/p=<start>/}) and the lifecycle spells ({@code
 * judged/run=<id>/spells/}), each named relative to {@code _state/} ({@link StatePaths}: the output
 * can move). A version is written after the run's tables are published: a run that fails leaves the
 * previous versions, and the next run starts from one of them. No reader of the outputs looks in
 * here.
 */
public final class InputState {
  public static final String DIR = "_state";
  private static final String VERSIONS = "_versions";
  private static final String PARTITION = "p";
  private static final String JUDGED = "judged";
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /**
   * One source partition as read.
   *
   * @param dir the state directory that holds its rows (alone, or with other days of its month),
   *     null when it had none
   * @param files its data files (relative path → length) when it was read
   * @param recheck whether it holds a row judged by the run's day (a time "in the future"), so that
   *     every run reads it again
   */
  public record Partition(String dir, Map<String, Long> files, boolean recheck) {}

  /** One input's state: its partitions by date (yyyy-MM-dd) and the currencies seen in them. */
  public record Table(
      String partitionColumn, List<String> currencies, Map<String, Partition> partitions) {}

  /**
   * The state as of one run.
   *
   * @param judged what the run derived from the version's rows and kept, by name → directory: what
   *     the rules across rows found (the verdicts of each table, the first purchases) and the
   *     activity per customer and period, one directory per period; null in versions written before
   *     it was kept
   */
  public record Version(
      String asOf,
      String runId,
      String fingerprint,
      Map<String, Table> tables,
      Map<String, String> judged) {
    public LocalDate date() {
      return LocalDate.parse(asOf);
    }

    /** The directory of what the rules across rows found under {@code name}, if kept. */
    public Optional<String> judged(String name) {
      return Optional.ofNullable(judged).map(j -> j.get(name));
    }
  }

  private final SparkSession spark;
  private final Path root;

  public InputState(SparkSession spark, String outputRoot) {
    this.spark = spark;
    this.root = new Path(outputRoot, DIR);
  }

  /** The newest version before {@code asOf}, if any is kept. */
  public Optional<Version> latestBefore(LocalDate asOf) {
    return versions().stream()
        .filter(v -> v.date().isBefore(asOf))
        .max(Comparator.comparing(Version::date));
  }

  /**
   * Writes one run's rows of one input, partitioned by {@code partition} (a string column, e.g. the
   * month), and returns the directory of each value written.
   */
  public Map<String, String> write(
      TableKind table, String runId, Dataset<Row> rows, Column partition) {
    return write(table.key(), runId, rows, partition);
  }

  /**
   * As {@link #write(TableKind, String, Dataset, Column)}, for rows a run derived and keeps under
   * {@code name} (the columns of {@code partition} stay in the files).
   */
  public Map<String, String> write(String name, String runId, Dataset<Row> rows, Column partition) {
    Path dir = new Path(new Path(root, name), "run=" + runId);
    rows.withColumn(PARTITION, partition)
        .write()
        .mode(SaveMode.Overwrite)
        .partitionBy(PARTITION)
        .parquet(dir.toString());
    Map<String, String> out = new java.util.TreeMap<>();
    try {
      FileSystem fs = fs();
      for (FileStatus st : fs.listStatus(dir)) {
        String entry = st.getPath().getName();
        if (st.isDirectory() && entry.startsWith(PARTITION + "=")) {
          out.put(entry.substring(PARTITION.length() + 1), new Path(dir, entry).toString());
        }
      }
    } catch (IOException e) {
      throw Errors.failure("Cannot list the state just written under " + dir, e);
    }
    return out;
  }

  /**
   * Writes what one run's rules across rows found ({@code name}: the verdicts of a table, the first
   * purchases) and returns its directory.
   */
  public String writeJudged(String name, String runId, Dataset<Row> rows) {
    Path dir = new Path(new Path(new Path(root, JUDGED), "run=" + runId), name);
    rows.write().mode(SaveMode.Overwrite).parquet(dir.toString());
    return dir.toString();
  }

  /** The rows kept in the given partition directories. */
  public Dataset<Row> read(List<String> dirs) {
    return spark.read().parquet(dirs.toArray(String[]::new));
  }

  /**
   * Records {@code version} (replacing one of the same date), then removes the versions beyond the
   * newest {@code keep} and the directories no kept version names.
   */
  public void publish(Version version, int keep) {
    try {
      FileSystem fs = fs();
      Path versions = new Path(root, VERSIONS);
      fs.mkdirs(versions);
      Path target = new Path(versions, version.asOf() + ".json");
      Path tmp = new Path(versions, "." + version.asOf() + "-" + version.runId() + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        out.write(
            JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(StatePaths.mapped(version, paths(fs)::relative)));
      }
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        throw new IOException("rename " + tmp + " -> " + target + " failed");
      }
      collectGarbage(fs, keep, version.runId());
    } catch (IOException e) {
      throw Errors.failure(
          "The tables are published, but the incremental state could not be written under "
              + root
              + " ("
              + e.getMessage()
              + "). The next incremental run starts from an older state (it reads more partitions).",
          e);
    }
  }

  /**
   * Removes the run directories no kept version names, and in the others the partition directories
   * ({@code p=...}) none names: a daily run's directory keeps only the days it was the last to
   * write.
   */
  private void collectGarbage(FileSystem fs, int keep, String currentRun) throws IOException {
    List<Version> all = new ArrayList<>(versions());
    all.sort(Comparator.comparing(Version::date).reversed());
    Set<String> runs = new HashSet<>();
    Set<String> leaves = new HashSet<>();
    java.util.function.Consumer<String> named =
        d -> {
          Path dir = new Path(d);
          runs.add(dir.getParent().getName());
          leaves.add(
              leaf(
                  dir.getParent().getParent().getName(), dir.getParent().getName(), dir.getName()));
        };
    for (int i = 0; i < all.size(); i++) {
      Version v = all.get(i);
      if (i >= keep) {
        fs.delete(new Path(new Path(root, VERSIONS), v.asOf() + ".json"), false);
        continue;
      }
      if (v.judged() != null) {
        v.judged().values().forEach(named);
      }
      for (Table t : v.tables().values()) {
        for (Partition p : t.partitions().values()) {
          if (p.dir() != null) {
            named.accept(p.dir());
          }
        }
      }
    }
    for (FileStatus table : fs.listStatus(root)) {
      if (!table.isDirectory() || table.getPath().getName().startsWith("_")) {
        continue;
      }
      for (FileStatus run : fs.listStatus(table.getPath())) {
        String name = run.getPath().getName();
        if (name.equals("run=" + currentRun)) {
          continue;
        }
        if (!runs.contains(name)) {
          LOG.info("Removing incremental state no kept version uses: {}", run.getPath());
          fs.delete(run.getPath(), true);
          continue;
        }
        for (FileStatus part : fs.listStatus(run.getPath())) {
          if (part.isDirectory()
              && part.getPath().getName().startsWith(PARTITION + "=")
              && !leaves.contains(
                  leaf(table.getPath().getName(), name, part.getPath().getName()))) {
            fs.delete(part.getPath(), true);
          }
        }
      }
    }
  }

  /** A directory under {@code <table>/<run>/}, named the same however its root is spelled. */
  private static String leaf(String table, String run, String name) {
    return table + "/" + run + "/" + name;
  }

  private List<Version> versions() {
    List<Version> out = new ArrayList<>();
    try {
      FileSystem fs = fs();
      Path versions = new Path(root, VERSIONS);
      if (!fs.exists(versions)) {
        return out;
      }
      StatePaths paths = paths(fs);
      for (FileStatus st : fs.listStatus(versions)) {
        String name = st.getPath().getName();
        if (!name.endsWith(".json") || name.startsWith(".")) {
          continue;
        }
        try (InputStream in = fs.open(st.getPath())) {
          out.add(StatePaths.mapped(JSON.readValue(in, Version.class), paths::resolved));
        } catch (IOException e) {
          LOG.warn(
              "Ignoring an unreadable incremental state version {}: {}",
              st.getPath(),
              e.getMessage());
        }
      }
    } catch (IOException e) {
      throw Errors.failure("Cannot list the incremental state under " + root, e);
    }
    return out;
  }

  private StatePaths paths(FileSystem fs) {
    return new StatePaths(root, fs.makeQualified(root));
  }

  private FileSystem fs() throws IOException {
    return root.getFileSystem(spark.sparkContext().hadoopConfiguration());
  }
}
