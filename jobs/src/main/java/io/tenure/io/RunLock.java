package io.tenure.io;

import io.tenure.config.TenureSettings.LockSettings;
import io.tenure.errors.Errors;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock of one output path: at most one run writes under it at a time.
 *
 * <p>The lock is the file {@code <output>/_lock}, created exclusively (O_EXCL on a local file
 * system, {@code create(overwrite = false)} elsewhere), holding the run id, host, process id and
 * process start (also in kernel clock ticks on Linux). Its holder renews it (the file's
 * modification time) every lease / 4 and deletes it when the run ends, however it ends. A lock is
 * abandoned when its holder is gone ({@link LockHolder#abandoned}: on the same host, when that
 * process no longer runs, e.g. after a {@code kill -9}; elsewhere, when it was not renewed for the
 * lease). An abandoned lock is moved aside under a name of the breaker's own (so two successors
 * cannot both break it), checked to be the one judged abandoned, and removed.
 *
 * <p>Object stores without an atomic create-if-absent (S3 before conditional writes) cannot
 * guarantee exclusivity; run one schedule per output path there.
 */
public final class RunLock implements AutoCloseable {
  public static final String NAME = "_lock";
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final Duration POLL = Duration.ofSeconds(2);

  private final FileSystem fs;
  private final Path path;
  private final String runId;
  private final ScheduledExecutorService heartbeat;
  private final AtomicBoolean lost = new AtomicBoolean(false);

  private RunLock(FileSystem fs, Path path, String runId, Duration lease) {
    this.fs = fs;
    this.path = path;
    this.runId = runId;
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tenure-lock-heartbeat");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, lease.toMillis() / 4);
    heartbeat.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lock of {@code root}, waiting up to {@code settings.waitFor()} for another run to
   * release it.
   *
   * @throws io.tenure.errors.TenureException (exit 1) when another live run holds it
   */
  public static RunLock acquire(
      SparkSession spark, String root, String runId, LockSettings settings) {
    Path dir = new Path(root);
    Path path = new Path(dir, NAME);
    Instant deadline = Instant.now().plus(settings.waitFor());
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.mkdirs(dir)) {
        throw new IOException("cannot create the output directory " + dir);
      }
      String holder = "";
      while (true) {
        if (create(fs, path, LockHolder.ownerJson(runId))) {
          LOG.info("Took the lock {} for run {}", path, runId);
          return new RunLock(fs, path, runId, settings.lease());
        }
        Optional<LockHolder> current = LockHolder.read(fs, path);
        if (current.isEmpty()) {
          continue; // released in between
        }
        Optional<String> abandoned = current.get().abandoned(settings.lease());
        if (abandoned.isPresent()) {
          breakLock(fs, path, current.get(), runId, abandoned.get());
          continue;
        }
        holder = current.get().describe();
        if (!Instant.now().isBefore(deadline)) {
          break;
        }
        Thread.sleep(
            Math.min(POLL.toMillis(), Duration.between(Instant.now(), deadline).toMillis() + 1));
      }
      throw Errors.outputLocked(
          root,
          holder,
          settings.waitFor().isZero() ? "" : " and did not finish within " + settings.waitFor());
    } catch (IOException e) {
      throw Errors.failure(
          "Cannot take the lock "
              + path
              + ": "
              + e.getMessage()
              + ". Check that the output path is writable by this user.",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.failure("Interrupted while waiting for the lock " + path, e);
    }
  }

  /** Fails when the lock was broken by another run (this run looked dead to it). */
  public void verify() {
    Optional<LockHolder> current;
    try {
      current = LockHolder.read(fs, path);
    } catch (IOException e) {
      throw Errors.failure("Cannot read the lock " + path + ": " + e.getMessage(), e);
    }
    if (lost.get() || current.isEmpty() || !current.get().runId().equals(runId)) {
      throw Errors.failure(
          "This run lost the lock "
              + path
              + " (another run took it over, e.g. after this run stalled for longer than"
              + " tenure.output.lock-lease): nothing was published. Re-run the date.",
          null);
    }
  }

  /** Releases the lock if this run still holds it. */
  @Override
  public void close() {
    heartbeat.shutdownNow();
    try {
      Optional<LockHolder> current = LockHolder.read(fs, path);
      if (current.isPresent() && current.get().runId().equals(runId) && !fs.delete(path, false)) {
        LOG.warn("Could not remove the lock {}; the next run breaks it", path);
      }
    } catch (IOException e) {
      LOG.warn("Could not release the lock {}: {}; the next run breaks it", path, e.getMessage());
    }
  }

  private void renew() {
    try {
      Optional<LockHolder> current = LockHolder.read(fs, path);
      if (current.isEmpty() || !current.get().runId().equals(runId)) {
        lost.set(true);
        LOG.error("Lost the lock {}: another run took it over", path);
        return;
      }
      fs.setTimes(path, System.currentTimeMillis(), -1);
    } catch (IOException e) {
      LOG.warn("Could not renew the lock {}: {}", path, e.getMessage());
    }
  }

  /** Creates the lock file if it does not exist; false when it does. */
  private static boolean create(FileSystem fs, Path path, String content) throws IOException {
    if (LocalFiles.isLocal(fs)) {
      java.nio.file.Path local = LocalFiles.path(fs, path);
      try {
        Files.createFile(local);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      Files.writeString(local, content);
      return true;
    }
    try (OutputStream out = fs.create(path, false)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
      return false;
    }
  }

  /**
   * Moves an abandoned lock aside under this run's name, checks it is the one judged, removes it.
   */
  private static void breakLock(
      FileSystem fs, Path path, LockHolder judged, String runId, String why) throws IOException {
    Path aside = new Path(path.getParent(), NAME + ".broken-" + runId);
    boolean moved;
    if (LocalFiles.isLocal(fs)) {
      try {
        Files.move(LocalFiles.path(fs, path), LocalFiles.path(fs, aside));
        moved = true;
      } catch (NoSuchFileException | FileAlreadyExistsException e) {
        moved = false;
      }
    } else {
      moved = fs.rename(path, aside);
    }
    if (!moved) {
      return; // another run broke or released it first
    }
    Optional<LockHolder> taken = LockHolder.read(fs, aside);
    if (taken.isPresent() && !taken.get().json().equals(judged.json())) {
      // A fresh lock replaced the abandoned one between reading and moving: give it back.
      if (!fs.exists(path) && fs.rename(aside, path)) {
        return;
      }
    }
    LOG.warn("Broke the lock of run {} ({}): {}", judged.runId(), judged.describe(), why);
    if (!fs.delete(aside, false)) {
      throw new IOException("cannot remove the broken lock " + aside);
    }
  }
}
