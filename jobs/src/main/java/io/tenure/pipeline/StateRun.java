package io.tenure.pipeline;

import io.tenure.io.InputState;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * What an intermediate kept in the incremental state needs to know about the run: where it writes
 * (the state, under the run's id) and the version it continues, if any.
 *
 * @param earlier the state version the run started from; empty for a first run or a rebuild
 */
record StateRun(
    SparkSession spark, InputState state, String runId, Optional<InputState.Version> earlier) {}
