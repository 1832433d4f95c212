package io.tenure.io;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One input table as read: every source row, its canonical columns mapped and cast (a value that
 * does not convert is null), the source row and file kept for the quarantine. Nothing is judged
 * here; {@code io.tenure.validate} flags the rows that cannot be used.
 *
 * @param settings the input's configuration
 * @param rows the canonical columns in contract order, then {@link #RAW}, {@link #SOURCE_FILE} and
 *     {@link #PASSES_FILTER}
 * @param present canonical column name → the source value it was cast from, for the columns the
 *     source has (a null canonical value with a non-null source value did not convert)
 * @param textColumns the string columns of a text source (CSV) as read, for the encoding rules;
 *     empty for typed formats
 * @param canonical the canonical column names, in contract order
 * @param lossless the canonical columns of {@code present} whose every source value converts: no
 *     row can be unparseable in them
 */
public record TypedInput(
    io.tenure.config.InputSettings settings,
    Dataset<Row> rows,
    Map<String, Column> present,
    List<String> textColumns,
    List<String> canonical,
    java.util.Set<String> lossless) {

  /** The source row as read (with derived columns), a struct. */
  public static final String RAW = "_raw";

  /** The file a row came from. */
  public static final String SOURCE_FILE = "_source_file";

  /** Whether the row passes the input's configured filter (true without one). */
  public static final String PASSES_FILTER = "_passes_filter";

  /** Spark's corrupt-record column of a CSV input: the whole line of a malformed record. */
  public static final String CORRUPT_RECORD = "_corrupt_record";

  public TypedInput {
    present = Map.copyOf(present);
    textColumns = List.copyOf(textColumns);
    canonical = List.copyOf(canonical);
    lossless = java.util.Set.copyOf(lossless);
  }

  /** A column name as Spark parses it: in backticks, a backtick inside doubled. */
  public static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
