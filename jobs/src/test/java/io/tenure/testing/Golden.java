package io.tenure.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * Golden outputs: a table rendered as text (a schema line, then every row, sorted) compared with a
 * file under {@code src/test/resources/golden/}. {@code TENURE_UPDATE_GOLDEN=1} rewrites the files
 * instead of comparing; review the diff before committing it.
 *
 * <p>Doubles are rendered with 12 significant digits: a sum of doubles may differ in its last bits
 * when Spark splits the input differently (another core count), which is no change of result.
 */
public final class Golden {
  public static final String UPDATE_ENV = "TENURE_UPDATE_GOLDEN";

  private Golden() {}

  /** Compares {@code table} with {@code golden/<set>/<name>.txt}, or rewrites it when asked. */
  public static void check(String set, String name, Dataset<Row> table) throws IOException {
    List<String> actual = render(table);
    Path file = directory().resolve(set).resolve(name + ".txt");
    if ("1".equals(System.getenv(UPDATE_ENV))) {
      Files.createDirectories(file.getParent());
      Files.write(file, actual, StandardCharsets.UTF_8);
      return;
    }
    assertThat(file)
        .as("golden file for %s (create it with %s=1 mvn test)", name, UPDATE_ENV)
        .exists();
    List<String> expected = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(actual.get(0)).as("%s: schema", name).isEqualTo(expected.get(0));
    assertThat(actual)
        .as(
            "%s: rows differ from %s (rerun with %s=1 to accept a deliberate change)",
            name, file, UPDATE_ENV)
        .containsExactlyElementsOf(expected);
  }

  /** The schema as {@code name type, ...}, then the rows, sorted, as {@code v1 | v2 | ...}. */
  public static List<String> render(Dataset<Row> table) {
    List<String> schema = new ArrayList<>();
    for (StructField f : table.schema().fields()) {
      schema.add(f.name() + " " + f.dataType().simpleString());
    }
    List<String> rows = new ArrayList<>();
    for (Row r : table.collectAsList()) {
      List<String> values = new ArrayList<>();
      for (int i = 0; i < r.length(); i++) {
        values.add(value(r.get(i)));
      }
      rows.add(String.join(" | ", values));
    }
    rows.sort(null);
    List<String> out = new ArrayList<>();
    out.add(String.join(", ", schema));
    out.addAll(rows);
    return out;
  }

  private static String value(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite()
          ? d.toString()
          : new BigDecimal(d)
              .round(new java.math.MathContext(12))
              .stripTrailingZeros()
              .toPlainString();
    }
    if (v instanceof BigDecimal b) {
      return b.toPlainString();
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      List<String> items = new ArrayList<>();
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        items.add(value(it.next()));
      }
      return items.toString();
    }
    if (v instanceof java.sql.Timestamp t) {
      return t.toInstant().toString(); // not the JVM's zone
    }
    return v.toString();
  }

  private static Path directory() {
    return Path.of(System.getProperty("tenure.repo.root", ".."), "jobs/src/test/resources/golden");
  }
}
