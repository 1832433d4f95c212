package io.tenure.io;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.apache.hadoop.fs.Path;

/**
 * The directories of an incremental state as its version files name them: relative to the state's
 * root, so that an output moved or copied elsewhere (another bucket, a restored backup) keeps its
 * state and its runs stay incremental. Absolute names, as versions written before 2026-12-04 hold
 * them, are read as they are.
 *
 * @param root the state's root, as the directories were built from it
 * @param qualified the same root qualified by its file system (scheme and authority)
 */
record StatePaths(Path root, Path qualified) {

  /** {@code dir} relative to the root when it lies under it, else unchanged. */
  String relative(String dir) {
    for (Path r : new Path[] {root, qualified}) {
      String prefix = r.toString() + "/";
      if (dir.startsWith(prefix)) {
        return dir.substring(prefix.length());
      }
    }
    return dir;
  }

  /** A directory as a version names it, resolved against the root when relative. */
  String resolved(String dir) {
    Path p = new Path(dir);
    return p.isAbsolute() || p.toUri().getScheme() != null ? dir : new Path(root, dir).toString();
  }

  /** {@code v} with every directory it names mapped by {@code f}. */
  static InputState.Version mapped(InputState.Version v, UnaryOperator<String> f) {
    Map<String, InputState.Table> tables = new TreeMap<>();
    v.tables()
        .forEach(
            (name, t) -> {
              Map<String, InputState.Partition> partitions = new TreeMap<>();
              t.partitions()
                  .forEach(
                      (day, p) ->
                          partitions.put(
                              day,
                              new InputState.Partition(
                                  p.dir() == null ? null : f.apply(p.dir()),
                                  p.files(),
                                  p.recheck())));
              tables.put(
                  name, new InputState.Table(t.partitionColumn(), t.currencies(), partitions));
            });
    Map<String, String> judged = null;
    if (v.judged() != null) {
      judged = new TreeMap<>();
      for (Map.Entry<String, String> e : v.judged().entrySet()) {
        judged.put(e.getKey(), f.apply(e.getValue()));
      }
    }
    return new InputState.Version(v.asOf(), v.runId(), v.fingerprint(), tables, judged);
  }
}
