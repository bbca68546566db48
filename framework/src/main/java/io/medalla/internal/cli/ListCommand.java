package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.api.Source;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code list [--json]}: the pipelines on the class path. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = "Lists every pipeline in dependency order with layer, owner and write mode.")
final class ListCommand implements Callable<Integer> {
  @ParentCommand MedallaCommand root;

  @Option(names = "--json", description = "Print JSON for tools and schedulers.")
  boolean json;

  @Override
  public Integer call() {
    CliContext context = root.context();
    List<Map<String, Object>> pipelines =
        context.registry().inDependencyOrder().stream()
            .map(
                pipeline ->
                    PipelineDescriptions.of(
                        pipeline, context.warehouse().path(pipeline.spec().output())))
            .toList();
    PrintWriter out = context.environment().out();
    if (json) {
      Json.print(out, Map.of("pipelines", pipelines));
      return 0;
    }
    TextTable table = new TextTable("pipeline", "layer", "write mode", "owner", "inputs");
    for (Pipeline pipeline : context.registry().inDependencyOrder()) {
      table.add(
          pipeline.name(),
          pipeline.layer().id(),
          pipeline.spec().writeMode().name().toLowerCase(java.util.Locale.ROOT),
          pipeline.spec().owner(),
          pipeline.spec().inputs().isEmpty()
              ? pipeline.spec().source().map(Source::describe).orElse("")
              : pipeline.spec().inputs().toString());
    }
    table.print(out);
    return 0;
  }
}
