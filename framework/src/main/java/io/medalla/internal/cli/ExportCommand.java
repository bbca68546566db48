package io.medalla.internal.cli;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.TableId;
import io.medalla.internal.governance.AccessPolicy;
import io.medalla.internal.governance.AuditLog;
import io.medalla.internal.table.DeltaTables;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code export <table> [--out DIR] [--format F] [--limit N] [--table-version V]}: a table's rows
 * as the process's role sees them ({@code --role}): every classified column in clear, masked,
 * hashed, tokenized or null as the role's policy says, a read it may not make refused (exit 2). A
 * clear read of confidential or pii columns and a refusal are audited.
 */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description =
        "Write a table's rows as your role sees them: JSON lines to standard output, or files.")
final class ExportCommand implements Callable<Integer> {
  private static final List<String> FORMATS = List.of("json", "csv", "parquet");

  @ParentCommand MedallaCommand root;

  @Parameters(
      paramLabel = "TABLE",
      description = "Catalog name, e.g. gold_product.daily_active_users.")
  String table;

  @Option(names = "--out", paramLabel = "DIR", description = "Write files to DIR (must not exist).")
  Path out;

  @Option(
      names = "--format",
      paramLabel = "F",
      description = "Format of the files under --out: json (default), csv or parquet.")
  String format = "json";

  @Option(names = "--limit", paramLabel = "N", description = "At most N rows.")
  Integer limit;

  @Option(names = "--table-version", paramLabel = "V", description = "Table version V.")
  Long version;

  @Override
  public Integer call() {
    if (!FORMATS.contains(format)) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT, "Invalid --format '%s'; allowed: %s", format, FORMATS);
    }
    if (out != null && Files.exists(out)) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT, "Cannot export to %s: it exists; name a new folder", out);
    }
    CliContext context = root.context();
    Dataset<Row> rows = read(context, TableId.parse(table), Optional.ofNullable(version), "export");
    if (limit != null) {
      rows = rows.limit(limit);
    }
    PrintWriter output = context.environment().out();
    if (out == null) {
      Iterator<String> lines = rows.toJSON().toLocalIterator();
      lines.forEachRemaining(output::println);
      return 0;
    }
    rows.write().format(format).option("header", "true").save(out.toString());
    output.printf("Exported %s to %s (%s)%n", table, out, format);
    return 0;
  }

  /**
   * The rows of {@code table} as the process's role sees them.
   *
   * @throws MedallaException with {@link ErrorCode#NOT_FOUND} for a table the warehouse does not
   *     hold, {@link ErrorCode#PERMISSION_DENIED} for a read the role may not make
   */
  static Dataset<Row> read(
      CliContext context, TableId table, Optional<Long> version, String command) {
    SparkSession spark = context.spark();
    String path = context.warehouse().path(table);
    if (!DeltaTables.exists(spark, path)) {
      throw new MedallaException(
          ErrorCode.NOT_FOUND, "Cannot read %s: the warehouse holds no table at %s", table, path);
    }
    Dataset<Row> stored =
        version.isPresent()
            ? spark.read().format("delta").option("versionAsOf", version.get()).load(path)
            : spark.read().format("delta").load(path);
    AccessPolicy access = context.runner().access();
    String readId = command + "-" + Instant.now();
    try {
      AccessPolicy.Read read = access.read(table, stored);
      if (!read.clearSensitive().isEmpty()) {
        context.audit(
            entry(
                context,
                AuditLog.Action.CLEAR_READ,
                table,
                version,
                readId,
                Map.of("columns", String.join(",", read.clearSensitive()))));
      }
      return read.rows();
    } catch (MedallaException e) {
      if (e.code() == ErrorCode.PERMISSION_DENIED) {
        context.audit(
            entry(
                context,
                AuditLog.Action.REFUSED,
                table,
                version,
                readId,
                Map.of("reason", e.getMessage())));
      }
      throw e;
    }
  }

  private static AuditLog.Entry entry(
      CliContext context,
      AuditLog.Action action,
      TableId table,
      Optional<Long> version,
      String readId,
      Map<String, String> detail) {
    return new AuditLog.Entry(
        action,
        Optional.of(table.catalogName()),
        version,
        readId,
        context.spark().sparkContext().sparkUser(),
        context.runner().access().role(),
        new LinkedHashMap<>(detail));
  }
}
