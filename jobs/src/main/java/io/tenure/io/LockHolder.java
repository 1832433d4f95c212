package io.tenure.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * What a {@link RunLock} file says about its holder (run id, host, process id and start), when it
 * was last renewed, and whether the holder is gone: on this host, when its process no longer runs;
 * anywhere, when the lock was not renewed for the lease.
 */
record LockHolder(String json, JsonNode fields, Instant renewed) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** How far apart two JVMs may see one process start (see {@link #near}). */
  static final Duration START_TOLERANCE = Duration.ofSeconds(3);

  /** The holder named in the lock file at {@code path}; empty when there is no such file. */
  static Optional<LockHolder> read(FileSystem fs, Path path) throws IOException {
    try {
      long modified = fs.getFileStatus(path).getModificationTime();
      String json;
      try (InputStream in = fs.open(path)) {
        json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      JsonNode fields;
      try {
        fields = json.isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(json);
      } catch (IOException unreadable) {
        fields = MAPPER.createObjectNode(); // being written: judged by its age only
      }
      return Optional.of(new LockHolder(json, fields, Instant.ofEpochMilli(modified)));
    } catch (java.io.FileNotFoundException e) {
      return Optional.empty();
    }
  }

  String runId() {
    return fields.path("run_id").asText("");
  }

  /** Why the holder is gone, or empty while it may still run. */
  Optional<String> abandoned(Duration lease) {
    long pid = fields.path("pid").asLong(-1);
    if (pid > 0
        && host().equals(fields.path("host").asText())
        && pid != ProcessHandle.current().pid()) {
      Optional<String> gone = processGone(pid);
      if (gone.isPresent()) {
        return gone;
      }
    }
    Duration age = Duration.between(renewed, Instant.now());
    return age.compareTo(lease) > 0
        ? Optional.of("not renewed for " + age.toSeconds() + " s (lease " + lease + ")")
        : Optional.empty();
  }

  /**
   * Why process {@code pid} of this host is not the holder any more: it ended, or its id now
   * belongs to a process that started at another time. Compared by the kernel's start ticks where
   * the holder recorded them and /proc has them; else by start instants, {@link #near} each other.
   */
  private Optional<String> processGone(long pid) {
    String ended = "its process " + pid + " on this host has ended";
    String reused = "its process id " + pid + " on this host now belongs to another process";
    long ticks = fields.path("process_start_ticks").asLong(-1);
    if (ticks >= 0 && ProcessStarts.available()) {
      OptionalLong now = ProcessStarts.ticks(pid);
      if (now.isEmpty()) {
        return Optional.of(ended);
      }
      return now.getAsLong() == ticks
          ? Optional.empty()
          : Optional.of(
              reused + " (started at tick " + now.getAsLong() + ", the lock says " + ticks + ")");
    }
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      return Optional.of(ended);
    }
    String start = fields.path("process_start").asText("");
    Optional<Instant> actual = process.get().info().startInstant();
    boolean same = start.isEmpty() || actual.map(i -> near(i, start)).orElse(true);
    return same
        ? Optional.empty()
        : Optional.of(
            reused + " (started " + actual.orElseThrow() + ", the lock says " + start + ")");
  }

  /**
   * Whether a process started at {@code actual} is the one recorded as started at {@code recorded}
   * (another process that reused the id started later). Not equality: each JVM derives a process's
   * start from the boot time it read once from /proc/stat, in whole seconds that the kernel
   * recomputes from the clock, so two JVMs can see one process start a second apart; a live holder
   * judged gone would lose its lock to a second run.
   */
  static boolean near(Instant actual, String recorded) {
    try {
      return Duration.between(Instant.parse(recorded), actual).abs().compareTo(START_TOLERANCE)
          <= 0;
    } catch (java.time.format.DateTimeParseException e) {
      return true; // unreadable: judged by the lease alone
    }
  }

  String describe() {
    return String.format(
        "run %s, host %s, pid %s, started %s, last renewed %s",
        runId().isEmpty() ? "?" : runId(),
        fields.path("host").asText("?"),
        fields.path("pid").asText("?"),
        fields.path("acquired_at").asText("?"),
        renewed);
  }

  /** What a new lock file of {@code runId} holds: the run, this host and this process. */
  static String ownerJson(String runId) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("run_id", runId);
    j.put("host", host());
    j.put("pid", ProcessHandle.current().pid());
    j.put(
        "process_start",
        ProcessHandle.current().info().startInstant().map(Instant::toString).orElse(""));
    ProcessStarts.ticks(ProcessHandle.current().pid())
        .ifPresent(t -> j.put("process_start_ticks", t));
    j.put("acquired_at", Instant.now().toString());
    try {
      return MAPPER.writeValueAsString(j);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown";
    }
  }
}
