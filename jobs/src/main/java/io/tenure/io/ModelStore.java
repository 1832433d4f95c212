package io.tenure.io;

import io.tenure.errors.Errors;
import org.apache.spark.ml.PipelineModel;

/** Reads a fitted churn-risk model that an earlier run saved (MLlib's own directory format). */
public final class ModelStore {
  /** Where a run publishes its fitted model, under the output path (per as-of date). */
  public static final String CHURN_MODEL = "_models/churn_risk";

  private ModelStore() {}

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
}
