package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.api.TableId;
import io.medalla.internal.governance.TableAnnotations;
import io.medalla.internal.run.RunHistory;
import io.medalla.internal.table.DeltaCommit;
import io.medalla.internal.table.DeltaPublisher;
import io.medalla.internal.table.DeltaTables;
import io.medalla.internal.table.TableMetadata;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code describe <table> [--lineage] [--table-version V] [--json]}: spec, owner, schema with
 * stored classification and column lineage, size and latest versions of a table, and what its
 * pipeline's latest runs cost.
 */
@Command(
    name = "describe",
    mixinStandardHelpOptions = true,
    description =
        "Shows a table's pipeline spec, owner, schema with each column's stored classification"
            + " (and lineage with --lineage), row count, latest versions and latest runs.")
final class DescribeCommand implements Callable<Integer> {
  private static final int HISTORY = 5;

  @ParentCommand MedallaCommand root;

  @Parameters(paramLabel = "TABLE", description = "Catalog name, e.g. silver_product.events.")
  String table;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Option(
      names = "--lineage",
      description =
          "Show the input columns each column is computed from, as stored with the table.")
  boolean lineage;

  @Option(
      names = "--table-version",
      paramLabel = "V",
      description = "Show the schema, classification and lineage of table version V.")
  Long version;

  @Override
  public Integer call() {
    CliContext context = root.context();
    TableId id = TableId.parse(table);
    Pipeline pipeline = context.registry().get(id.catalogName());
    String path = context.warehouse().path(id);
    Map<String, Object> description = new LinkedHashMap<>(PipelineDescriptions.of(pipeline, path));
    SparkSession spark = context.spark();
    boolean exists = DeltaTables.exists(spark, path);
    description.put("exists", exists);
    if (exists) {
      Dataset<Row> data =
          version == null
              ? spark.read().format("delta").load(path)
              : spark.read().format("delta").option("versionAsOf", version).load(path);
      description.put("rows", data.count());
      Optional<Long> at = Optional.ofNullable(version);
      Map<String, String> properties = TableMetadata.properties(spark, path, at);
      description.put("stored_owner", properties.getOrDefault(DeltaPublisher.OWNER_PROPERTY, ""));
      description.put(
          "columns",
          columns(
              TableMetadata.schema(spark, path, at), TableAnnotations.fromProperties(properties)));
      description.put("versions", versions(DeltaTables.history(spark, path, HISTORY)));
    }
    description.put("recent_runs", recentRuns(context.runner().history().read(pipeline.name())));
    PrintWriter out = context.environment().out();
    if (json) {
      Json.print(out, description);
      return 0;
    }
    description.forEach(
        (key, value) -> {
          if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map) {
            out.printf("%s:%n", key);
            list.forEach(item -> out.printf("  %s%n", item));
          } else {
            out.printf("%-17s %s%n", key + ":", value);
          }
        });
    return 0;
  }

  private List<Map<String, Object>> columns(StructType schema, TableAnnotations annotations) {
    List<Map<String, Object>> columns = new ArrayList<>();
    for (StructField field : schema.fields()) {
      Map<String, Object> column = new LinkedHashMap<>();
      column.put("name", field.name());
      column.put("type", field.dataType().simpleString());
      column.put("nullable", field.nullable());
      annotations
          .classOf(field.name())
          .ifPresent(
              columnClass -> {
                column.put("classification", columnClass.level().id());
                column.put("tags", List.copyOf(new java.util.TreeSet<>(columnClass.tags())));
              });
      Optional.ofNullable(annotations.stored().get(field.name()))
          .ifPresent(stored -> column.put("stored", stored.masking().id()));
      if (lineage) {
        column.put(
            "lineage",
            annotations.lineage().getOrDefault(field.name(), new java.util.TreeSet<>()).stream()
                .map(Object::toString)
                .toList());
      }
      columns.add(column);
    }
    return columns;
  }

  /** The pipeline's latest runs, newest first, with what they cost. */
  private static List<Map<String, Object>> recentRuns(List<RunHistory.Entry> entries) {
    List<Map<String, Object>> runs = new ArrayList<>();
    for (RunHistory.Entry entry :
        entries.subList(Math.max(0, entries.size() - HISTORY), entries.size())) {
      Map<String, Object> run = new LinkedHashMap<>();
      run.put("run_id", entry.runId());
      run.put("status", entry.status());
      run.put("ended_at", entry.endedAt());
      run.put("duration_ms", entry.durationMs());
      run.put("cpu_ms", entry.cpuMs());
      run.put("bytes_read", entry.bytesRead());
      run.put("rows_read", entry.rowsRead());
      run.put("rows_written", entry.rowsWritten());
      run.put("files_written", entry.filesWritten());
      runs.add(0, run);
    }
    return runs;
  }

  private static List<Map<String, Object>> versions(List<DeltaCommit> commits) {
    return commits.stream()
        .map(
            commit -> {
              Map<String, Object> version = new LinkedHashMap<>();
              version.put("version", commit.version());
              version.put("operation", commit.operation());
              version.put("run_id", commit.runId().orElse(null));
              version.put("rows_written", commit.rowsWritten());
              return version;
            })
        .toList();
  }
}
