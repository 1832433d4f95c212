package io.tenure.io;

import io.tenure.config.InputContract;
import io.tenure.config.InputContract.ColumnSpec;
import io.tenure.config.InputSettings;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens one input as Spark sees it, and explains what stops it: a dangling symbolic link, a corrupt
 * Parquet file (every footer is read before Spark's schema inference), a column whose type changes
 * between files, an empty directory (an empty table, except for transactions).
 */
final class SourceLoader {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;

  SourceLoader(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * A symbolic link under a local input path whose target is gone: Spark would skip that file
   * without a word, and its rows would be missing from every table.
   */
  private static Optional<String> danglingLink(InputSettings in) {
    java.nio.file.Path root;
    try {
      java.net.URI uri = new java.net.URI(in.path());
      if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
        return Optional.empty();
      }
      root =
          uri.getScheme() == null ? java.nio.file.Path.of(in.path()) : java.nio.file.Path.of(uri);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return Optional.empty(); // a glob or an unusual path: Spark reports it
    }
    if (!java.nio.file.Files.isDirectory(root)) {
      return java.nio.file.Files.isSymbolicLink(root) && !java.nio.file.Files.exists(root)
          ? Optional.of(root.toString())
          : Optional.empty();
    }
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
      return files
          .filter(f -> java.nio.file.Files.isSymbolicLink(f) && !java.nio.file.Files.exists(f))
          .map(f -> f.toString())
          .findFirst();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  Dataset<Row> load(InputSettings in) {
    return load(in, Optional.empty());
  }

  /**
   * @param files when present, only these data files of the input (an incremental run's
   *     partitions), read with the input's path as the base of the partition columns
   */
  Dataset<Row> load(InputSettings in, Optional<List<String>> files) {
    Map<String, String> options = new LinkedHashMap<>();
    boolean csv = in.format().equals("csv");
    if (csv) {
      options.put("header", "true");
      // A quoted field may hold a newline; read line by line, it would split one record into
      // two (and invent a customer). Malformed records are kept whole, to be quarantined.
      options.put("multiLine", "true");
      options.put("mode", "PERMISSIVE");
    }
    if (in.format().equals("parquet")) {
      // Files from other writers (pandas, DuckDB, Hive) use the proleptic Gregorian calendar; a
      // 0001-01-01 placeholder then reads as written and is quarantined by the earliest-date
      // rule, instead of failing the run with READ_ANCIENT_DATETIME.
      options.put("datetimeRebaseMode", "CORRECTED");
      options.put("int96RebaseMode", "CORRECTED");
    }
    options.putAll(in.options());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    danglingLink(in)
        .ifPresent(
            link -> {
              throw Errors.danglingLink(in.table().key(), in.table().configPath(), link);
            });
    boolean parquet = in.format().equals("parquet");
    // Footers first: a corrupt file is named before Spark's own schema inference trips on it.
    Map<String, MessageType> footers =
        !parquet
            ? Map.of()
            : files
                .map(f -> ParquetFooters.read(in, f, conf))
                .orElseGet(() -> ParquetFooters.read(in, conf));
    files.ifPresent(f -> options.put("basePath", in.path()));
    Dataset<Row> df;
    try {
      df =
          files.isPresent()
              ? spark
                  .read()
                  .format(in.format())
                  .options(options)
                  .load(files.get().toArray(String[]::new))
              : spark.read().format(in.format()).options(options).load(in.path());
      df.schema(); // forces file listing and schema inference now, inside this try
      if (csv && df.columns().length > 0) {
        // Spark fills its corrupt-record column only when the schema names it.
        df =
            spark
                .read()
                .format("csv")
                .options(options)
                .option("columnNameOfCorruptRecord", TypedInput.CORRUPT_RECORD)
                .schema(df.schema().add(TypedInput.CORRUPT_RECORD, DataTypes.StringType))
                .load(files.orElse(List.of(in.path())).toArray(String[]::new));
      }
    } catch (Exception e) {
      return unreadable(in, conf, e);
    }
    if (parquet) {
      Map<String, Boolean> used = new LinkedHashMap<>();
      for (ColumnSpec spec : InputContract.columns(in.table())) {
        if (!in.expressions().containsKey(spec.name())) {
          used.put(in.sourceColumn(spec.name()), spec.required());
        }
      }
      ParquetFooters.checkDrift(in, footers, used);
    }
    return df;
  }

  /**
   * Explains why Spark could not open an input: a corrupt file is named, an existing but empty
   * directory is an empty table (valid for every input except transactions).
   */
  private Dataset<Row> unreadable(InputSettings in, Configuration conf, Exception e) {
    List<String> files;
    try {
      files = ParquetFooters.dataFiles(in.path(), conf);
    } catch (IOException | RuntimeException listing) {
      throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
    }
    boolean exists;
    try {
      exists = new Path(in.path()).getFileSystem(conf).exists(new Path(in.path()));
    } catch (IOException io) {
      exists = false;
    }
    if (exists && files.isEmpty()) {
      if (in.table().required()) {
        throw Errors.emptyInput(in.table().key(), in.path());
      }
      LOG.info("Input {} at {} has no files: read as an empty table", in.table().key(), in.path());
      return InputReader.emptyCanonical(spark, in.table());
    }
    throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
  }
}
