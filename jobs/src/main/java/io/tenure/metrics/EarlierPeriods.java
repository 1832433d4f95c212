package io.tenure.metrics;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table as an earlier run computed it, for a run that recomputes only the periods that can have
 * changed since: rows of periods that start before the period holding {@code changedFrom} are taken
 * from {@code table}, the others computed. The caller vouches that no input row dated before {@code
 * changedFrom} differs from those the earlier run read, and that the table's rows of a period read
 * nothing dated after the period's end except through columns the metric recomputes from the row
 * itself (completeness against the as-of date).
 *
 * @param table the earlier run's rows, in the table's published layout
 * @param changedFrom the first day whose input rows can differ
 */
public record EarlierPeriods(Dataset<Row> table, LocalDate changedFrom) {}
