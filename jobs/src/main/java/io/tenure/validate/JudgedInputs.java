package io.tenure.validate;

import io.tenure.config.TableKind;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Every input after all its rules, and what the rules across tables computed on the way that a run
 * reads again.
 *
 * @param tables the judged inputs
 * @param firstPurchases each customer's first usable purchase over every date, as {@link
 *     CrossTableRules#firstPurchasesUpTo} reads it; empty without transactions
 */
public record JudgedInputs(
    Map<TableKind, ValidatedInput> tables, Optional<Dataset<Row>> firstPurchases) {}
