package io.tenure.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * When a process started, as the kernel counts it: clock ticks since boot, field 22 of {@code
 * /proc/<pid>/stat} (Linux). Unlike {@link ProcessHandle.Info#startInstant()}, which each JVM
 * converts to wall-clock time with the boot time it read once, this number is the same for every
 * reader, so two JVMs agree on whether a process id still belongs to the process that took a lock
 * even after the clock was stepped (as on a virtual machine resumed from a snapshot).
 */
final class ProcessStarts {
  private static final int START_TIME_AFTER_NAME = 22 - 3; // fields 1-2 are pid and (name)

  private ProcessStarts() {}

  /** Whether this system exposes start ticks at all. */
  static boolean available() {
    return ticks(ProcessHandle.current().pid()).isPresent();
  }

  /** The start ticks of process {@code pid}; empty when it does not run or /proc is absent. */
  static OptionalLong ticks(long pid) {
    String stat;
    try {
      stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
    } catch (IOException | SecurityException e) {
      return OptionalLong.empty();
    }
    // The name may hold spaces and parentheses: the fields that follow start after the last ')'.
    String[] after = stat.substring(stat.lastIndexOf(')') + 1).trim().split("\\s+");
    try {
      return after.length > START_TIME_AFTER_NAME
          ? OptionalLong.of(Long.parseLong(after[START_TIME_AFTER_NAME]))
          : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }
}
