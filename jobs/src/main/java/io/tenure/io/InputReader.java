package io.tenure.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.tenure.config.InputContract;
import io.tenure.config.InputContract.ColumnSpec;
import io.tenure.config.InputSettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads one input table: opens it ({@link SourceLoader}), computes the configured expressions, maps
 * the source columns to the canonical ones (a missing required column or an unusable type stops the
 * run with exit 3), casts them ({@link ColumnTypes}) and evaluates the row filter. Judging the rows
 * is {@code io.tenure.validate}'s work.
 */
public final class InputReader {
  private final SparkSession spark;
  private final TenureSettings settings;

  public InputReader(SparkSession spark, TenureSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** Reads one configured input: every source row, with its canonical columns typed. */
  public TypedInput read(InputSettings in) {
    return read(in, Optional.empty());
  }

  /**
   * Reads some data files of a configured input (an incremental run's partitions), or all of them
   * when {@code files} is empty.
   */
  public TypedInput read(InputSettings in, Optional<List<String>> files) {
    Dataset<Row> loaded = new SourceLoader(spark).load(in, files);
    ColumnTypes types = new ColumnTypes(settings.zone(), settings.naiveInputZone());
    List<String> rawColumns = sourceColumns(loaded);
    Dataset<Row> raw = UserExpressions.derive(loaded, in, rawColumns);
    boolean textSource = in.format().equals("csv");

    Map<String, Column> typed = new LinkedHashMap<>();
    Map<String, Column> present = new LinkedHashMap<>();
    Set<String> lossless = new HashSet<>();
    for (ColumnSpec spec : InputContract.columns(in.table())) {
      Optional<StructField> field = find(raw, in.sourceColumn(spec.name()));
      if (field.isEmpty()) {
        if (spec.required() || in.isMapped(spec.name())) {
          throw Errors.missingColumn(
              in.table().key(),
              spec.name(),
              in.sourceColumn(spec.name()),
              in.columnKey(spec.name()),
              String.join(", ", rawColumns),
              textSource);
        }
        typed.put(spec.name(), lit(null).cast(ColumnTypes.targetType(spec.type())));
        continue;
      }
      StructField f = field.get();
      if (!ColumnTypes.accepts(spec.type(), f.dataType(), textSource)) {
        throw Errors.wrongType(
            in.table().key(),
            spec.name(),
            f.name(),
            in.columnKey(spec.name()),
            spec.type().accepted(),
            f.dataType().simpleString());
      }
      Column source = raw.col(TypedInput.quoted(f.name()));
      present.put(spec.name(), col(TypedInput.RAW).getField(f.name()));
      typed.put(spec.name(), types.convert(source, f.dataType(), spec.type()));
      if (ColumnTypes.alwaysConverts(f.dataType(), spec.type())) {
        lossless.add(spec.name());
      }
    }

    List<Column> projection = new ArrayList<>();
    typed.forEach((name, c) -> projection.add(c.as(name)));
    // Derived columns (expressions) are kept in the raw row so that a quarantined row shows them.
    projection.add(
        struct(
                Arrays.stream(raw.columns())
                    .map(c -> raw.col(TypedInput.quoted(c)))
                    .toArray(Column[]::new))
            .as(TypedInput.RAW));
    projection.add(input_file_name().as(TypedInput.SOURCE_FILE));
    projection.add(UserExpressions.rowFilter(raw, in, rawColumns).as(TypedInput.PASSES_FILTER));
    Dataset<Row> cast = raw.select(projection.toArray(Column[]::new));
    List<String> text = textSource ? textColumns(raw) : List.of();
    return new TypedInput(in, cast, present, text, new ArrayList<>(typed.keySet()), lossless);
  }

  /** The columns of the source itself, without Spark's corrupt-record column. */
  private static List<String> sourceColumns(Dataset<Row> df) {
    return Arrays.stream(df.columns()).filter(c -> !c.equals(TypedInput.CORRUPT_RECORD)).toList();
  }

  /** The string columns of a text source (CSV), as read. */
  private static List<String> textColumns(Dataset<Row> raw) {
    List<String> out = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      if (f.dataType() instanceof StringType) {
        out.add(f.name());
      }
    }
    return out;
  }

  /** An empty table with the canonical columns of {@code table}, for an input not configured. */
  public static Dataset<Row> emptyCanonical(SparkSession spark, TableKind table) {
    List<StructField> fields = new ArrayList<>();
    for (ColumnSpec spec : InputContract.columns(table)) {
      fields.add(
          DataTypes.createStructField(spec.name(), ColumnTypes.targetType(spec.type()), true));
    }
    return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
  }

  private static Optional<StructField> find(Dataset<Row> raw, String name) {
    StructField[] fields = raw.schema().fields();
    for (StructField f : fields) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Arrays.stream(fields).filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
  }
}
