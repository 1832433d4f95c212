package io.tenure.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The manifest published for one as-of date, read back: the commit point of a publish ({@link
 * OutputWriter}), so it tells which run published last and which tables it listed.
 */
final class ManifestInPlace {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ManifestInPlace() {}

  /** The manifest at {@code path}, or empty when none is in place. */
  static Optional<JsonNode> read(FileSystem fs, Path path) throws IOException {
    if (!fs.exists(path)) {
      return Optional.empty();
    }
    try (InputStream in = fs.open(path)) {
      return Optional.of(MAPPER.readTree(in));
    }
  }

  /** Whether the manifest at {@code path} was written by run {@code runId}. */
  static boolean writtenBy(FileSystem fs, Path path, String runId) throws IOException {
    return read(fs, path).map(m -> runId.equals(m.path("run_id").asText())).orElse(false);
  }

  /**
   * The entries of the manifest at {@code path} (none without one) for tables not in {@code
   * replaced} whose directory {@code target} still exists, each marked with the run that wrote it.
   */
  static Map<String, Object> entriesStillPublished(
      FileSystem fs, Path path, Set<String> replaced, Function<String, Path> target)
      throws IOException {
    Map<String, Object> kept = new LinkedHashMap<>();
    Optional<JsonNode> manifest = read(fs, path);
    if (manifest.isEmpty()) {
      return kept;
    }
    String earlierRun = manifest.get().path("run_id").asText();
    var fields = manifest.get().path("outputs").fields();
    while (fields.hasNext()) {
      var e = fields.next();
      if (!replaced.contains(e.getKey()) && fs.exists(target.apply(e.getKey()))) {
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = MAPPER.convertValue(e.getValue(), Map.class);
        entry.putIfAbsent("run_id", earlierRun);
        kept.put(e.getKey(), entry);
      }
    }
    return kept;
  }
}
