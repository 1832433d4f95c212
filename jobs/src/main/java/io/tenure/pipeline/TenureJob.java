package io.tenure.pipeline;

import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.errors.TenureException;
import io.tenure.io.OutputWriter;
import io.tenure.io.Pseudonymiser;
import io.tenure.io.ReadFailures;
import io.tenure.io.RunLock;
import io.tenure.io.WorkArea;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tenure run: take the output path's lock, read and validate the inputs, let every selected
 * table family compute and stage its tables, stage the quarantine, then publish the tables and the
 * manifest atomically. A failure anywhere publishes nothing.
 */
public final class TenureJob {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final TenureSettings settings;
  private final FamilySelection families;
  private final Optional<Pseudonymiser> pseudonymiser;
  private final PublishTargets targets;
  private Mode mode = Mode.FULL;

  /** How a run reads its inputs. */
  public enum Mode {
    /** Every input whole. */
    FULL,
    /** Only the partitions that can have changed since the last run, the rest from its state. */
    INCREMENTAL,
    /** Every partition, writing a new incremental state (after late files outside the window). */
    REBUILD_STATE
  }

  public TenureJob(SparkSession spark, TenureSettings settings, Set<MetricFamily> selected) {
    this(spark, settings, selected, System::getenv);
  }

  /**
   * @param environment reads environment variables (the pseudonymisation key); tests pass a map
   */
  public TenureJob(
      SparkSession spark,
      TenureSettings settings,
      Set<MetricFamily> selected,
      UnaryOperator<String> environment) {
    this.spark = spark;
    this.pseudonymiser = Pseudonymiser.from(settings.privacy(), environment);
    this.targets = new PublishTargets(spark, settings, environment);
    this.settings = settings;
    this.families = FamilySelection.of(settings, selected);
    Stages.progressInterval = settings.progressInterval();
  }

  /** Sets how the run reads its inputs ({@link Mode#FULL} unless set). */
  public TenureJob mode(Mode m) {
    this.mode = m;
    return this;
  }

  /** Reads and checks the inputs, writes nothing. */
  public RunResult validate() {
    Instant started = Instant.now();
    PreparedInputs p = explained(() -> prepare(Optional.empty()));
    return new RunResult(
        p.asOf(),
        p.profiles(),
        Map.of(),
        families.skipped(),
        null,
        Duration.between(started, Instant.now()));
  }

  /** Computes and publishes all selected tables for the as-of date. */
  public RunResult execute() {
    Instant started = Instant.now();
    String token = UUID.randomUUID().toString().substring(0, 8);
    // Runs of one output path are exclusive: everything below writes under it.
    try (RunLock lock = RunLock.acquire(spark, settings.outputPath(), token, settings.lock());
        WorkArea work = new WorkArea(spark, settings.outputPath())) {
      Optional<IncrementalInputs> incremental =
          mode == Mode.FULL
              ? Optional.empty()
              : Optional.of(
                  new IncrementalInputs(spark, settings, work, token, mode == Mode.REBUILD_STATE));
      PreparedInputs p =
          explained(
              () ->
                  new InputPreparation(spark, settings)
                      .prepare(families.mainInput(settings), Optional.of(work), incremental));
      work.dated(p.asOf());
      String runId = p.asOf() + "-" + token;
      OutputWriter writer = new OutputWriter(spark, settings.outputPath(), p.asOf(), runId);
      writer.recover();
      try {
        Publication publication = new Publication(spark, writer);
        explained(
            () ->
                computeAll(
                    new RunContext(
                        spark,
                        settings,
                        p,
                        work,
                        pseudonymiser,
                        incremental.flatMap(IncrementalInputs::changes),
                        incremental.map(IncrementalInputs::kept)),
                    p,
                    publication));
        Map<String, Long> outputs = publication.rows();
        Duration duration = Duration.between(started, Instant.now());
        String json =
            Manifest.json(
                runId,
                p.asOf(),
                settings,
                started,
                duration,
                p.profiles(),
                outputs,
                publication.provenance(),
                writer.keptFromEarlierRun(outputs.keySet()),
                families.skipped(),
                incremental.map(IncrementalInputs::report).orElseGet(() -> Map.of("mode", "full")));
        lock.verify();
        String manifest =
            Stages.run(spark, "publish", "Publish outputs", () -> writer.publish(json).toString());
        incremental.ifPresent(IncrementalInputs::publishState);
        targets.publish(p.asOf(), outputs.keySet());
        return new RunResult(
            p.asOf(), p.profiles(), outputs, families.skipped(), manifest, duration);
      } catch (RuntimeException e) {
        writer.abort();
        throw e;
      }
    }
  }

  private Void computeAll(RunContext run, PreparedInputs p, Publication publication) {
    for (MetricFamily family : families.selected()) {
      if (families.runs(family)) {
        family.family().compute(run, publication);
      } else {
        LOG.warn("Skipping {}: {}", family.key(), families.skipped().get(family.key()));
      }
    }
    publication.stageQuarantine(p.inputs().values(), p.asOf(), pseudonymiser);
    return null;
  }

  private PreparedInputs prepare(Optional<WorkArea> work) {
    return new InputPreparation(spark, settings).prepare(families.mainInput(settings), work);
  }

  /**
   * Runs {@code body}; a failure to read an input file becomes the input error naming it, and any
   * other failure (Spark reports task failures as checked exceptions) a clear exit-1 error.
   */
  private <T> T explained(Supplier<T> body) {
    try {
      return body.get();
    } catch (TenureException e) {
      throw e; // already says what went wrong and what to do
    } catch (Exception e) {
      throw ReadFailures.explain(e, settings.inputs().values())
          .orElseGet(() -> Errors.runFailed(e));
    }
  }
}
