package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/**
 * docs/tables.md and the declared output tables say the same: every table the families declare has
 * a section titled with its declared description, listing its columns with their types in order,
 * and the docs describe no table that is not declared. (Staged tables are held to the declarations
 * on every run, so the docs cannot drift from the data either.)
 */
class OutputContractsTest {
  private static final Map<String, String> DOC_TYPES =
      Map.of(
          "array<string>", "array<string>",
          "bigint", "long",
          "int", "int",
          "double", "double",
          "string", "string",
          "date", "date",
          "boolean", "boolean",
          "decimal(38,4)", "decimal(38,4)");

  private static final Pattern SECTION = Pattern.compile("^## (\\w+) — (.+)$");
  private static final Pattern ROW = Pattern.compile("^\\| (\\w+) \\| ([^ |]+)[^|]*\\|.*$");

  @Test
  void docsListEveryDeclaredTableWithItsColumnsInOrder() throws Exception {
    List<String> doc = Files.readAllLines(Path.of(EndToEndTest.ROOT, "docs", "tables.md"));
    List<String> documented = new ArrayList<>();
    for (int i = 0; i < doc.size(); i++) {
      Matcher m = SECTION.matcher(doc.get(i));
      if (m.matches()) {
        documented.add(m.group(1));
      }
    }
    List<OutputTable> declared = MetricFamily.allTables();
    assertThat(documented)
        .containsExactlyElementsOf(declared.stream().map(OutputTable::name).toList());

    for (OutputTable table : declared) {
      int at = -1;
      for (int i = 0; i < doc.size(); i++) {
        Matcher m = SECTION.matcher(doc.get(i));
        if (m.matches() && m.group(1).equals(table.name())) {
          assertThat(m.group(2)).as(table.name() + ": heading").isEqualTo(table.description());
          at = i;
        }
      }
      List<String> columns = new ArrayList<>();
      for (int i = at + 1; i < doc.size() && !doc.get(i).startsWith("## "); i++) {
        Matcher row = ROW.matcher(doc.get(i));
        if (row.matches() && !row.group(1).equals("column")) {
          columns.add(row.group(1) + " " + row.group(2));
        }
      }
      List<String> expected = new ArrayList<>();
      for (StructField f : table.schema().fields()) {
        expected.add(f.name() + " " + DOC_TYPES.get(f.dataType().simpleString()));
      }
      assertThat(columns).as(table.name() + ": columns in docs/tables.md").isEqualTo(expected);
    }
  }
}
