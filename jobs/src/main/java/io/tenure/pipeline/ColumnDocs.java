package io.tenure.pipeline;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The column descriptions of docs/tables.md (packaged with the jar), for the comments of the
 * Iceberg and PostgreSQL tables: one source for people and for catalogs. OutputContractsTest holds
 * that file to the declared columns.
 */
final class ColumnDocs {
  private static final Pattern SECTION = Pattern.compile("^## (\\w+) — .+$");
  private static final Pattern ROW = Pattern.compile("^\\| (\\w+) \\| [^|]+ \\| (.*) \\|$");

  private ColumnDocs() {}

  /** table → column → description (non-empty descriptions only). */
  static Map<String, Map<String, String>> load() {
    Map<String, Map<String, String>> docs = new HashMap<>();
    try (InputStream in = ColumnDocs.class.getResourceAsStream("/tenure-docs/tables.md")) {
      if (in == null) {
        return docs;
      }
      String table = null;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        Matcher section = SECTION.matcher(line);
        if (section.matches()) {
          table = section.group(1);
          continue;
        }
        Matcher row = ROW.matcher(line);
        if (table != null && row.matches() && !row.group(1).equals("column")) {
          String description = row.group(2).trim();
          if (!description.isEmpty()) {
            docs.computeIfAbsent(table, t -> new HashMap<>()).put(row.group(1), description);
          }
        }
      }
      return docs;
    } catch (IOException e) {
      return docs; // comments are documentation; a run does not fail for them
    }
  }
}
