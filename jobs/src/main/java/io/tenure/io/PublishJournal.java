package io.tenure.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The journal a publish writes before it moves anything: which tables had a previous version set
 * aside, so that an interrupted publish can be rolled back by the next run of the date.
 */
final class PublishJournal {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PublishJournal() {}

  static String json(String runId, LocalDate asOf, Map<String, Boolean> hadPrevious)
      throws IOException {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("run_id", runId);
    j.put("as_of", asOf.toString());
    j.put("had_previous", hadPrevious);
    return MAPPER.writeValueAsString(j);
  }

  /** Table name → whether it had a previous version, as the journal recorded it. */
  static Map<String, Boolean> hadPrevious(FileSystem fs, Path journal) throws IOException {
    Map<String, Boolean> out = new LinkedHashMap<>();
    try (InputStream in = fs.open(journal)) {
      MAPPER
          .readTree(in)
          .path("had_previous")
          .fields()
          .forEachRemaining(e -> out.put(e.getKey(), e.getValue().asBoolean()));
    }
    return out;
  }
}
