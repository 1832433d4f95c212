package io.tenure.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import io.tenure.errors.Errors;
import java.io.File;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Loads and validates the HOCON configuration once, into {@link TenureSettings}. Every problem is
 * reported with the file and the key, and exits with code 2.
 */
public final class ConfigLoader {
  static final String ROOT = "tenure";

  private ConfigLoader() {}

  /**
   * Loads {@code file} with {@code overrides} ({@code -D key=value}, keys with or without the
   * {@code tenure.} prefix) on top, and the defaults below.
   */
  public static TenureSettings load(File file, Map<String, String> overrides) {
    String origin = file.getPath();
    if (!file.isFile()) {
      throw Errors.usage(
          "Configuration file not found: "
              + file.getAbsolutePath()
              + ". Pass an existing file with --conf, e.g. conf/application.conf.");
    }
    return load(
        () -> ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)),
        origin,
        overrides);
  }

  /**
   * Loads the configuration at {@code location}: a local path, or a URI any Hadoop file system
   * reads (hdfs://, s3a://, abfss://, gs://, file://), so that a driver in cluster mode can read it
   * from shared storage. Includes with relative paths resolve only for local files.
   */
  public static TenureSettings load(String location, Map<String, String> overrides) {
    // A scheme of two letters or more (a one-letter one is a Windows drive).
    if (!location.matches("^[A-Za-z][A-Za-z0-9+.-]+:.*")) {
      return load(new File(location), overrides);
    }
    String text = RemoteFiles.read(location);
    return load(
        () ->
            ConfigFactory.parseString(
                text, ConfigParseOptions.defaults().setOriginDescription(location)),
        location,
        overrides);
  }

  private static TenureSettings load(
      java.util.function.Supplier<Config> parse, String origin, Map<String, String> overrides) {
    Config merged;
    try {
      Config fromFile = parse.get();
      merged =
          overrideConfig(overrides)
              .withFallback(fromFile)
              .withFallback(ConfigFactory.defaultReference(ConfigLoader.class.getClassLoader()))
              .resolve(ConfigResolveOptions.defaults());
    } catch (ConfigException.UnresolvedSubstitution e) {
      throw Errors.config(
          "a required value is missing: "
              + e.getMessage()
              + ". Set the environment variable or"
              + " the key it names.",
          e);
    } catch (ConfigException e) {
      throw Errors.config(e.getMessage(), e);
    }
    return fromConfig(merged, origin);
  }

  /** Builds settings from an already merged and resolved config (also used by tests). */
  public static TenureSettings fromConfig(Config merged, String origin) {
    KnownKeys.check(merged, origin);
    Config t = merged.getConfig(ROOT);
    ConfigReader r = new ConfigReader(t, origin);

    Map<TableKind, InputSettings> inputs = new EnumMap<>(TableKind.class);
    for (TableKind kind : TableKind.values()) {
      String base = "inputs." + kind.key();
      if (t.getIsNull(base + ".path")) {
        continue;
      }
      String path = r.string(base + ".path");
      String format = r.string(base + ".format").toLowerCase(java.util.Locale.ROOT);
      Map<String, String> options = r.stringMap(base + ".options");
      Map<String, String> columns = r.stringMap(base + ".columns");
      Map<String, String> expressions = r.stringMap(base + ".expressions");
      Optional<String> filter =
          t.getIsNull(base + ".filter")
              ? Optional.empty()
              : Optional.of(r.string(base + ".filter")).filter(f -> !f.isBlank());
      Optional<String> partitionColumn =
          t.getIsNull(base + ".partition-column")
              ? Optional.empty()
              : Optional.of(r.string(base + ".partition-column")).filter(f -> !f.isBlank());
      inputs.put(
          kind,
          r.build(
              base,
              () ->
                  new InputSettings(
                      kind, path, format, options, columns, expressions, filter, partitionColumn)));
    }

    if (!inputs.containsKey(TableKind.TRANSACTIONS)
        && !inputs.containsKey(TableKind.INTERACTIONS)) {
      throw Errors.config(
          origin,
          TableKind.TRANSACTIONS.configPath() + ".path",
          "set the path of the transactions input (cohorts, churn) or of the interactions input"
              + " (service tables), or both");
    }
    if (t.getIsNull("output.path")) {
      throw Errors.config(origin, "tenure.output.path", "the output path is required");
    }
    String outputPath = r.string("output.path");
    Optional<JdbcSettings> jdbc = OutputConfig.jdbc(t, r);
    Optional<IcebergSettings> iceberg = OutputConfig.iceberg(t, r, outputPath);
    TenureSettings.LockSettings lock =
        r.build(
            "output.lock-lease",
            () ->
                new TenureSettings.LockSettings(
                    r.duration("output.lock-wait"), r.duration("output.lock-lease")));
    ZoneId zone = r.parse("time.zone", ZoneId::of);
    // Naive times in an export are local business time unless said otherwise.
    ZoneId naiveZone =
        t.getIsNull("time.naive-input-zone") ? zone : r.parse("time.naive-input-zone", ZoneId::of);
    Optional<LocalDate> asOf =
        t.getIsNull("as-of") ? Optional.empty() : Optional.of(r.parse("as-of", LocalDate::parse));
    Grain grain = r.parse("periods.grain", Grain::parse);

    TenureSettings.CohortSettings cohort =
        r.build(
            "cohort",
            () ->
                new TenureSettings.CohortSettings(
                    r.parse("cohort.anchor", CohortAnchor::parse),
                    r.parse("cohort.breakdown", Breakdown::parse)));
    TenureSettings.ChurnSettings churn =
        r.build(
            "churn",
            () ->
                new TenureSettings.ChurnSettings(
                    r.integer("churn.inactivity-days"),
                    r.parse("churn.denominator", ChurnDenominator::parse),
                    r.integer("churn.revenue-lookback-days")));
    TenureSettings.TimeWithCustomerSettings twc =
        r.build(
            "time-with-customer",
            () ->
                new TenureSettings.TimeWithCustomerSettings(
                    "exact".equals(r.string("time-with-customer.percentile-accuracy"))
                        ? java.util.OptionalInt.empty()
                        : java.util.OptionalInt.of(
                            r.integer("time-with-customer.percentile-accuracy")),
                    r.real("time-with-customer.histogram-base")));
    if (cohort.anchor() == CohortAnchor.SIGNUP && !inputs.containsKey(TableKind.CUSTOMERS)) {
      throw Errors.config(
          origin,
          "tenure.cohort.anchor",
          "'signup' needs the customers input (tenure.inputs.customers.path); configure it or use"
              + " first-purchase");
    }
    if (cohort.breakdown().needsCustomers() && !inputs.containsKey(TableKind.CUSTOMERS)) {
      throw Errors.config(
          origin,
          "tenure.cohort.breakdown",
          "'"
              + cohort.breakdown().key()
              + "' needs the customers input (tenure.inputs.customers.path); configure it, or use"
              + " none or first-channel");
    }
    Map<String, String> sparkConf = r.stringMap("spark.conf");
    ServiceSettings service =
        r.build(
            "service",
            () ->
                new ServiceSettings(
                    r.seconds("service.response-targets"),
                    r.integer("service.repeat-contact-days"),
                    r.seconds("service.handle-time-targets"),
                    r.strings("service.complaint-categories"),
                    r.integer("service.driver-lookback-days"),
                    t.getIsNull("service.business-hours.weekly")
                        ? Optional.empty()
                        : Optional.of(
                            BusinessCalendar.parse(
                                r.stringMap("service.business-hours.weekly"),
                                r.strings("service.business-hours.holidays")))));
    SurvivalSettings survival =
        r.build(
            "survival",
            () ->
                new SurvivalSettings(
                    r.parse("survival.time-unit", Grain::parse),
                    r.integer("survival.rmst-horizon")));
    ChurnRiskSettings churnRisk =
        r.build(
            "churn-risk",
            () ->
                new ChurnRiskSettings(
                    r.parse("churn-risk.model", ChurnRiskSettings.Model::parse),
                    r.integer("churn-risk.horizon-days"),
                    r.integer("churn-risk.training-cutoffs"),
                    r.integer("churn-risk.cutoff-spacing-days"),
                    r.integer("churn-risk.min-examples-per-class"),
                    r.integer("churn-risk.max-iterations"),
                    t.getIsNull("churn-risk.max-training-examples")
                        ? Optional.empty()
                        : Optional.of(r.integer("churn-risk.max-training-examples")),
                    r.bool("churn-risk.balance-classes"),
                    t.getIsNull("churn-risk.model-path")
                        ? Optional.empty()
                        : Optional.of(r.string("churn-risk.model-path")),
                    r.parse("churn-risk.retrain-every", Grain::parse),
                    modelFingerprint(t)));
    QualitySettings quality = QualityConfig.read(t, r, origin);
    PrivacySettings privacy =
        r.build(
            "privacy.secret-env",
            () ->
                new PrivacySettings(
                    r.bool("privacy.pseudonymise-customer-ids"), r.string("privacy.secret-env")));
    java.time.Duration progress = r.duration("log.progress-interval");
    if (progress.isNegative()) {
      throw Errors.config(origin, ROOT + ".log.progress-interval", "must not be negative");
    }
    return new TenureSettings(
        inputs,
        outputPath,
        jdbc,
        iceberg,
        lock,
        zone,
        naiveZone,
        asOf,
        grain,
        cohort,
        churn,
        twc,
        service,
        survival,
        churnRisk,
        quality,
        privacy,
        sparkConf,
        progress,
        IncrementalSettings.read(t, r),
        digest(t));
  }

  private static Config overrideConfig(Map<String, String> overrides) {
    Map<String, Object> values = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey().startsWith(ROOT + ".") ? e.getKey() : ROOT + "." + e.getKey();
      values.put(key, "null".equals(e.getValue()) ? null : e.getValue());
    }
    return ConfigFactory.parseMap(values, "command-line -D overrides");
  }

  private static String digest(Config t) {
    return Fingerprints.sha256(t.withoutPath("base-dir").root());
  }

  /** What decides a fitted churn-risk model, as {@link ChurnRiskSettings#fingerprint()}. */
  private static String modelFingerprint(Config t) {
    return Fingerprints.sha256(
        Fingerprints.subtrees(
                t, "inputs", "time", "quality", "money", "churn", "service", "churn-risk")
            .withoutPath("churn-risk.model-path")
            .withoutPath("churn-risk.retrain-every")
            .root());
  }
}
