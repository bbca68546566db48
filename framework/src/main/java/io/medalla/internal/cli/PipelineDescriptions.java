package io.medalla.internal.cli;

import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.TableId;
import io.medalla.internal.health.Objectives;
import java.util.LinkedHashMap;
import java.util.Map;

/** A pipeline's spec as a JSON-ready map, shared by {@code list} and {@code describe}. */
final class PipelineDescriptions {
  private PipelineDescriptions() {}

  static Map<String, Object> of(Pipeline pipeline, String path) {
    PipelineSpec spec = pipeline.spec();
    Map<String, Object> description = new LinkedHashMap<>();
    description.put("name", spec.pipelineName());
    description.put("layer", spec.output().layer().id());
    description.put("domain", spec.output().domain());
    description.put("owner", spec.owner());
    description.put("description", spec.description());
    description.put("inputs", spec.inputs().stream().map(TableId::catalogName).toList());
    spec.source().ifPresent(source -> description.put("source", source.describe()));
    description.put("keys", spec.keys());
    description.put("partition_column", spec.partitionColumn().orElse(null));
    description.put("write_mode", spec.writeMode().name().toLowerCase(java.util.Locale.ROOT));
    description.put("critical", spec.critical());
    description.put(
        "objectives",
        spec.objectives().stream()
            .map(
                objective ->
                    objective.kind()
                        + ": "
                        + objective.describe()
                        + ", target "
                        + Objectives.percent(objective.target()))
            .toList());
    description.put(
        "classification",
        spec.classifications().describe().entrySet().stream()
            .map(
                entry -> {
                  Map<String, String> column = new LinkedHashMap<>();
                  column.put("column", entry.getKey());
                  column.put("declared", entry.getValue());
                  return column;
                })
            .toList());
    description.put("path", path);
    description.put("class", pipeline.getClass().getName());
    return description;
  }
}
