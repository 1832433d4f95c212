package io.tenure.io;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fitted churn-risk models: MLlib's own directory format, published by each run under {@code
 * <output>/_models/churn_risk/as_of=<date>/}, with a small description beside MLlib's files
 * ({@value #DESCRIPTION}): the date it was trained as of, the run that fitted it, the fingerprint
 * of the settings that decided it and its quality rows, so that a later run of the same retraining
 * period can reuse it.
 */
public final class ModelStore {
  /** Where a run publishes its fitted model, under the output path (per as-of date). */
  public static final String CHURN_MODEL = "_models/churn_risk";

  static final String DESCRIPTION = "tenure-model.json";
  private static final String AS_OF = "as_of=";
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  private ModelStore() {}

  /**
   * A fitted model and what a reuse needs to know about it.
   *
   * @param trainedAsOf the as-of date of its training data (labels and features known then)
   * @param fittedByRun the as-of date of the run that fitted it
   * @param fingerprint {@link io.tenure.config.ChurnRiskSettings#fingerprint()} at the fit
   * @param quality churn_model_metrics' rows without their constant columns: model, metric, decile,
   *     value
   */
  public record Trained(
      PipelineModel model,
      LocalDate trainedAsOf,
      LocalDate fittedByRun,
      String fingerprint,
      List<Row> quality) {}

  /** Loads the pipeline model at {@code path}, or stops with exit 2 saying what to pass. */
  public static PipelineModel load(String path) {
    try {
      return PipelineModel.load(path);
    } catch (Exception e) { // Hadoop's IOExceptions arrive unchecked through Scala
      throw Errors.usage(
          "Cannot load a churn-risk model from "
              + path
              + " ("
              + e.getMessage()
              + "). Pass the directory a run saved: <output.path>/"
              + CHURN_MODEL
              + "/as_of=<yyyy-MM-dd>.");
    }
  }

  /** Writes {@code trained} into {@code path}: MLlib's directory, then its description. */
  public static void save(SparkSession spark, Trained trained, String path) {
    try {
      trained.model().write().save(path);
      ObjectNode d = JSON.createObjectNode();
      d.put("trained_as_of", trained.trainedAsOf().toString());
      d.put("fitted_by_run_as_of", trained.fittedByRun().toString());
      d.put("fingerprint", trained.fingerprint());
      ArrayNode rows = d.putArray("quality");
      for (Row r : trained.quality()) {
        ObjectNode q = rows.addObject();
        q.put("model", r.getString(0));
        q.put("metric", r.getString(1));
        q.put("decile", r.isNullAt(2) ? null : r.getInt(2));
        q.put("value", r.isNullAt(3) ? null : r.getDouble(3));
      }
      Path file = new Path(path, DESCRIPTION);
      try (OutputStream out = file.getFileSystem(conf(spark)).create(file, false)) {
        JSON.writerWithDefaultPrettyPrinter().writeValue(out, d);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The newest model published under {@code outputRoot} by a run dated from {@code trainedAsOf} to
   * {@code asOf} that was trained as of {@code trainedAsOf} under {@code fingerprint}; empty when
   * there is none (or only models without a description, or one that cannot be read: the caller
   * then trains, which costs time but never changes a result).
   */
  public static Optional<Trained> find(
      SparkSession spark,
      String outputRoot,
      LocalDate trainedAsOf,
      LocalDate asOf,
      String fingerprint) {
    Path store = new Path(outputRoot, CHURN_MODEL);
    try {
      FileSystem fs = store.getFileSystem(conf(spark));
      if (!fs.exists(store)) {
        return Optional.empty();
      }
      List<FileStatus> candidates = new ArrayList<>();
      for (FileStatus st : fs.listStatus(store)) {
        LocalDate published = dateOf(st.getPath().getName());
        if (st.isDirectory()
            && published != null
            && !published.isBefore(trainedAsOf)
            && !published.isAfter(asOf)) {
          candidates.add(st);
        }
      }
      candidates.sort(Comparator.comparing((FileStatus st) -> st.getPath().getName()).reversed());
      for (FileStatus st : candidates) {
        Path description = new Path(st.getPath(), DESCRIPTION);
        if (!fs.exists(description)) {
          continue;
        }
        JsonNode d;
        try (InputStream in = fs.open(description)) {
          d = JSON.readTree(in);
        }
        if (trainedAsOf.toString().equals(d.path("trained_as_of").asText())
            && fingerprint.equals(d.path("fingerprint").asText())) {
          List<Row> quality = new ArrayList<>();
          for (JsonNode q : d.path("quality")) {
            quality.add(
                RowFactory.create(
                    q.get("model").asText(),
                    q.get("metric").asText(),
                    q.get("decile").isNull() ? null : q.get("decile").asInt(),
                    q.get("value").isNull() ? null : q.get("value").asDouble()));
          }
          return Optional.of(
              new Trained(
                  PipelineModel.load(st.getPath().toString()),
                  trainedAsOf,
                  LocalDate.parse(d.get("fitted_by_run_as_of").asText()),
                  fingerprint,
                  quality));
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot read the saved churn-risk models under {}: {}", store, e.getMessage());
      return Optional.empty();
    }
  }

  private static LocalDate dateOf(String name) {
    if (!name.startsWith(AS_OF)) {
      return null;
    }
    try {
      return LocalDate.parse(name.substring(AS_OF.length()));
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static org.apache.hadoop.conf.Configuration conf(SparkSession spark) {
    return spark.sparkContext().hadoopConfiguration();
  }
}
