package io.medalla.internal.cli;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.TableId;
import io.medalla.internal.governance.AuditLog;
import java.io.PrintWriter;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code audit [--table T] [--since D] [--action A] [--json]} lists the audit log; {@code audit
 * verify} re-computes its hash chain and exits 3 when an entry was edited, removed or inserted.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "List the audit log: commits, maintenance, erasures, clear reads, refusals.",
    subcommands = AuditCommand.Verify.class)
final class AuditCommand implements Callable<Integer> {
  /** The exit status of {@code audit verify} for a broken chain: a check failed, as for a gate. */
  static final int CHAIN_BROKEN = ErrorCode.QUALITY_GATE_BLOCKED.exitStatus();

  @ParentCommand MedallaCommand root;

  @Option(names = "--table", paramLabel = "T", description = "Only entries about table T.")
  String table;

  @Option(names = "--since", paramLabel = "D", description = "Only entries from date D (UTC) on.")
  LocalDate since;

  @Option(
      names = "--action",
      paramLabel = "A",
      description =
          "Only entries of action A: commit, run, maintenance, erasure, clear_read, refused.")
  String action;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Override
  public Integer call() {
    Optional<AuditLog.Action> wanted = Optional.ofNullable(action).map(AuditCommand::action);
    CliContext context = root.context();
    List<AuditLog.Logged> entries =
        log(context)
            .entries(
                Optional.ofNullable(table).map(name -> TableId.parse(name).catalogName()),
                Optional.ofNullable(since)
                    .map(date -> date.atStartOfDay().toInstant(ZoneOffset.UTC)))
            .stream()
            .filter(logged -> wanted.map(logged.entry().action()::equals).orElse(true))
            .toList();
    PrintWriter out = context.environment().out();
    if (json) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (AuditLog.Logged logged : entries) {
        Map<String, Object> row = new LinkedHashMap<>();
        AuditLog.Entry entry = logged.entry();
        row.put("seq", logged.seq());
        row.put("at", logged.at().toString());
        row.put("action", entry.action().id());
        row.put("table", entry.table().orElse(null));
        row.put("version", entry.version().orElse(null));
        row.put("run_id", entry.runId());
        row.put("principal", entry.principal());
        row.put("role", entry.role());
        row.put("detail", entry.detail());
        row.put("hash", logged.hash());
        rows.add(row);
      }
      Json.print(out, rows);
      return 0;
    }
    if (entries.isEmpty()) {
      out.println("No audit entries.");
      return 0;
    }
    TextTable text =
        new TextTable("seq", "at", "action", "table", "version", "principal", "role", "detail");
    for (AuditLog.Logged logged : entries) {
      AuditLog.Entry entry = logged.entry();
      text.add(
          String.valueOf(logged.seq()),
          logged.at().toString(),
          entry.action().id(),
          entry.table().orElse("-"),
          entry.version().map(String::valueOf).orElse("-"),
          entry.principal(),
          entry.role(),
          entry.detail().toString());
    }
    text.print(out);
    return 0;
  }

  private static AuditLog log(CliContext context) {
    return context
        .runner()
        .audit()
        .orElseThrow(
            () ->
                new MedallaException(
                    ErrorCode.INVALID_CONFIGURATION,
                    "The audit log is off in this environment (medalla.governance.audit = false)"));
  }

  private static AuditLog.Action action(String word) {
    try {
      return AuditLog.Action.valueOf(word.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new MedallaException(
          ErrorCode.INVALID_ARGUMENT,
          "Invalid --action '%s'; allowed: commit, run, maintenance, erasure, clear_read, refused",
          word);
    }
  }

  /** {@code audit verify [--json]}. */
  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description =
          "Re-compute the audit log's hash chain; exit 3 when an entry was tampered with.")
  static final class Verify implements Callable<Integer> {
    @ParentCommand AuditCommand audit;

    @Option(names = "--json", description = "Print JSON for tools and schedulers.")
    boolean json;

    @Override
    public Integer call() {
      CliContext context = audit.root.context();
      AuditLog.Verification verification = log(context).verify();
      PrintWriter out = context.environment().out();
      if (json) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("intact", verification.problem().isEmpty());
        result.put("entries", verification.entries());
        result.put("head", verification.head());
        result.put("problem", verification.problem().orElse(null));
        Json.print(out, result);
      } else if (verification.problem().isEmpty()) {
        out.printf(
            "Audit log intact: %d entries, head %s%n", verification.entries(), verification.head());
      } else {
        out.printf(
            "Audit log BROKEN after %d intact entries: %s%n",
            verification.entries(), verification.problem().get());
      }
      return verification.problem().isEmpty() ? 0 : CHAIN_BROKEN;
    }
  }
}
