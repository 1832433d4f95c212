package io.tenure.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tenure.config.TenureSettings.LockSettings;
import io.tenure.errors.TenureException;
import io.tenure.testing.SparkExtension;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** One run per output path; a lock whose run is gone is broken, a live one is respected. */
@ExtendWith(SparkExtension.class)
class RunLockTest {
  static final LockSettings NO_WAIT = new LockSettings(Duration.ZERO, Duration.ofMinutes(5));
  @TempDir Path root;

  private Path lockOf(String runId, String host, long pid) throws Exception {
    Path lock = root.resolve(RunLock.NAME);
    Files.writeString(
        lock,
        String.format(
            "{\"run_id\":\"%s\",\"host\":\"%s\",\"pid\":%d,\"acquired_at\":\"%s\"}",
            runId, host, pid, Instant.now()));
    return lock;
  }

  private Path lockOf(String runId, long pid, Instant processStart) throws Exception {
    return lockOf(runId, pid, processStart, -1);
  }

  /** A lock of this host's process {@code pid}; its start ticks only when not negative. */
  private Path lockOf(String runId, long pid, Instant processStart, long ticks) throws Exception {
    Path lock = root.resolve(RunLock.NAME);
    Files.writeString(
        lock,
        String.format(
            "{\"run_id\":\"%s\",\"host\":\"%s\",\"pid\":%d,\"process_start\":\"%s\",%s"
                + "\"acquired_at\":\"%s\"}",
            runId,
            LockHolder.host(),
            pid,
            processStart,
            ticks < 0 ? "" : "\"process_start_ticks\":" + ticks + ",",
            Instant.now()));
    return lock;
  }

  private static long endedPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void aSecondRunIsRefusedWhileTheFirstHoldsTheLockAndMayStartOnceItIsReleased(SparkSession spark) {
    try (RunLock first = RunLock.acquire(spark, root.toString(), "first", NO_WAIT)) {
      assertThatThrownBy(() -> RunLock.acquire(spark, root.toString(), "second", NO_WAIT))
          .isInstanceOf(TenureException.class)
          .hasMessageContaining("Another Tenure run is writing to " + root)
          .hasMessageContaining("run first")
          .hasMessageContaining("-D output.lock-wait=30m");
      first.verify();
    }
    assertThat(root.resolve(RunLock.NAME)).doesNotExist();
    RunLock.acquire(spark, root.toString(), "second", NO_WAIT).close();
  }

  @Test
  void theLockOfARunWhoseProcessEndedOnThisHostIsBrokenAtOnce(SparkSession spark) throws Exception {
    lockOf("killed", InetAddress.getLocalHost().getHostName(), endedPid());
    try (RunLock lock = RunLock.acquire(spark, root.toString(), "next", NO_WAIT)) {
      assertThat(Files.readString(root.resolve(RunLock.NAME))).contains("\"run_id\":\"next\"");
    }
    try (var files = Files.list(root)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aLiveProcessSeenStartingASecondApartKeepsItsLockAndAReusedPidDoesNot(SparkSession spark)
      throws Exception {
    Process holder = new ProcessBuilder("sleep", "60").start();
    try {
      Instant start = holder.info().startInstant().orElseThrow();
      // Another JVM may have recorded the start a second off (boot time in whole seconds).
      lockOf("live", holder.pid(), start.minusSeconds(1));
      assertThatThrownBy(() -> RunLock.acquire(spark, root.toString(), "next", NO_WAIT))
          .isInstanceOf(TenureException.class)
          .hasMessageContaining("run live");
      // A process recorded an hour earlier under the same id is another one: that holder is gone.
      lockOf("reused", holder.pid(), start.minus(Duration.ofHours(1)));
      try (RunLock taken = RunLock.acquire(spark, root.toString(), "next", NO_WAIT)) {
        assertThat(Files.readString(root.resolve(RunLock.NAME))).contains("\"run_id\":\"next\"");
      }
    } finally {
      holder.destroyForcibly().waitFor();
    }
  }

  @Test
  void whereTheKernelsStartTicksWereRecordedTheyDecideAndNotTheWallClockStart(SparkSession spark)
      throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(ProcessStarts.available(), "needs /proc");
    Process holder = new ProcessBuilder("sleep", "60").start();
    try {
      long ticks = ProcessStarts.ticks(holder.pid()).orElseThrow();
      Instant start = holder.info().startInstant().orElseThrow();
      // A clock stepped by an hour between the two JVMs: the ticks still name the same process.
      lockOf("live", holder.pid(), start.minus(Duration.ofHours(1)), ticks);
      assertThatThrownBy(() -> RunLock.acquire(spark, root.toString(), "next", NO_WAIT))
          .isInstanceOf(TenureException.class)
          .hasMessageContaining("run live");
      // Other ticks under the same id and the same recorded instant: another process took the id,
      // and the reason names both starts.
      lockOf("reused", holder.pid(), start, ticks - 1);
      assertThat(
              LockHolder.read(
                      org.apache.hadoop.fs.FileSystem.getLocal(
                          spark.sparkContext().hadoopConfiguration()),
                      new org.apache.hadoop.fs.Path(root.resolve(RunLock.NAME).toString()))
                  .orElseThrow()
                  .abandoned(Duration.ofMinutes(5)))
          .contains(
              "its process id "
                  + holder.pid()
                  + " on this host now belongs to another process (started at tick "
                  + ticks
                  + ", the lock says "
                  + (ticks - 1)
                  + ")");
      try (RunLock taken = RunLock.acquire(spark, root.toString(), "next", NO_WAIT)) {
        assertThat(Files.readString(root.resolve(RunLock.NAME))).contains("\"run_id\":\"next\"");
      }
    } finally {
      holder.destroyForcibly().waitFor();
    }
    // A lock this JVM writes carries its own ticks.
    try (RunLock own = RunLock.acquire(spark, root.toString(), "own", NO_WAIT)) {
      assertThat(Files.readString(root.resolve(RunLock.NAME)))
          .contains(
              "\"process_start_ticks\":"
                  + ProcessStarts.ticks(ProcessHandle.current().pid()).orElseThrow());
    }
  }

  @Test
  void aFreshLockFromAnotherHostIsRespectedAndAnExpiredOneIsBroken(SparkSession spark)
      throws Exception {
    Path lock = lockOf("elsewhere-run", "another-host", 12345);
    assertThatThrownBy(() -> RunLock.acquire(spark, root.toString(), "next", NO_WAIT))
        .isInstanceOf(TenureException.class)
        .hasMessageContaining("run elsewhere-run, host another-host");
    Files.setLastModifiedTime(lock, FileTime.from(Instant.now().minus(Duration.ofMinutes(6))));
    try (RunLock taken = RunLock.acquire(spark, root.toString(), "next", NO_WAIT)) {
      assertThat(Files.readString(lock)).contains("\"run_id\":\"next\"");
    }
  }

  @Test
  void aRunWhoseLockWasBrokenDoesNotPublish(SparkSession spark) throws Exception {
    try (RunLock lock = RunLock.acquire(spark, root.toString(), "slow", NO_WAIT)) {
      Files.delete(root.resolve(RunLock.NAME));
      lockOf("successor", "another-host", 1);
      assertThatThrownBy(lock::verify)
          .isInstanceOf(TenureException.class)
          .hasMessageContaining("This run lost the lock");
    }
    assertThat(Files.readString(root.resolve(RunLock.NAME))).contains("successor");
  }
}
