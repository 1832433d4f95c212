package io.tenure.pipeline.family;

import io.tenure.config.TableKind;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A group of output tables computed together and selected together ({@code run --only}). A family
 * declares its tables, names the inputs it needs, and computes its tables from the run context,
 * which builds the intermediates that several families share. Adding a family: one class
 * implementing this, registered in {@link io.tenure.pipeline.MetricFamily}.
 */
public interface TableFamily {
  /**
   * Inputs without which this family cannot be computed (it is skipped, and the summary says so).
   */
  Set<TableKind> needs();

  /** The tables this family publishes, in the order it stages them. */
  List<OutputTable> tables();

  /** Computes every table and hands it to {@code staging}, in the order of {@link #tables()}. */
  void compute(RunContext run, Staging staging);

  /** Where a family puts its tables: staged now, published with the whole run. */
  interface Staging {
    /**
     * Writes {@code rows} as {@code table} into the run's staging area and returns the staged rows
     * (read back, so that a later table or a check reads the written result, not a recomputation).
     */
    Dataset<Row> stage(OutputTable table, Dataset<Row> rows);

    /**
     * Stages {@code rows}, the table as the run as of {@code from} published it, because nothing it
     * reads changed since (the manifest says so).
     */
    Dataset<Row> stageUnchanged(OutputTable table, Dataset<Row> rows, java.time.LocalDate from);

    /**
     * Stages {@code rows}, computed from {@code recomputedFrom} on, with the rows of earlier
     * periods as the run as of {@code earlierAsOf} published them (the manifest says so).
     */
    Dataset<Row> stageRecomputed(
        OutputTable table,
        Dataset<Row> rows,
        java.time.LocalDate earlierAsOf,
        java.time.LocalDate recomputedFrom);

    /**
     * Stages a directory that is not a table (a fitted model) under {@code name}: {@code write}
     * receives the staging directory to write into; it is published with the tables, to {@code
     * <output>/<name>/as_of=<date>}.
     */
    void stageDirectory(String name, java.util.function.Consumer<String> write);
  }
}
