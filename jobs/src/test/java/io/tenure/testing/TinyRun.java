package io.tenure.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A whole run of the CLI on tiny inputs written as Parquet under one folder: each input is
 * configured only when given (an empty list writes an empty table), so tests can leave optional
 * inputs out, give them empty, or fill them.
 */
public final class TinyRun {
  private final SparkSession spark;
  private final Path dir;
  private final Map<String, Dataset<Row>> inputs = new LinkedHashMap<>();
  private final List<String> settings = new ArrayList<>();

  public TinyRun(SparkSession spark, Path dir) {
    this.spark = spark;
    this.dir = dir;
  }

  /** Configures input {@code table} (transactions, cancellations, ...) with these rows. */
  public TinyRun input(String table, org.apache.spark.sql.types.StructType schema, List<Row> rows) {
    inputs.put(table, spark.createDataFrame(Rows.padded(rows, schema), schema));
    return this;
  }

  /** One config line inside {@code tenure { }}, e.g. {@code periods.grain = week}. */
  public TinyRun set(String line) {
    settings.add(line);
    return this;
  }

  public Path output() {
    return dir.resolve("out");
  }

  /** Writes the inputs and the config, then runs {@code tenure run --as-of asOf [extra]}. */
  public CliRun run(String asOf, String... extra) throws IOException {
    StringBuilder conf = new StringBuilder("tenure {\n");
    for (String table : List.of("transactions", "cancellations", "interactions", "customers")) {
      Dataset<Row> rows = inputs.get(table);
      if (rows == null) {
        conf.append("inputs.").append(table).append(".path = null\n");
        continue;
      }
      Path p = dir.resolve("in").resolve(table);
      rows.coalesce(1).write().mode("overwrite").parquet(p.toString());
      conf.append("inputs.").append(table).append(".path = \"").append(p).append("\"\n");
    }
    conf.append("output.path = \"").append(output()).append("\"\n");
    settings.forEach(s -> conf.append(s).append('\n'));
    Path file = dir.resolve("tenure.conf");
    Files.writeString(file, conf.append("}\n"));
    List<String> args = new ArrayList<>(List.of("run", "--conf", file.toString()));
    args.addAll(List.of("--as-of", asOf));
    args.addAll(List.of(extra));
    return CliRun.of(args);
  }

  /** The tables the manifest of {@code asOf} lists, with their row counts. */
  public Map<String, Long> published(String asOf) throws IOException {
    JsonNode m =
        new ObjectMapper()
            .readTree(output().resolve("_manifests/as_of=" + asOf + ".json").toFile());
    Map<String, Long> out = new LinkedHashMap<>();
    m.get("outputs")
        .fields()
        .forEachRemaining(e -> out.put(e.getKey(), e.getValue().get("rows").asLong()));
    return out;
  }

  /** A published table of the run as of {@code asOf}. */
  public Dataset<Row> table(String name, String asOf) {
    return spark.read().parquet(output().resolve(name).resolve("as_of=" + asOf).toString());
  }
}
