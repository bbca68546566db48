package io.medalla.internal.run;

import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.TableId;
import io.medalla.internal.quality.ExpectationChecks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The pipelines on the class path, found with {@link ServiceLoader}, by name and in dependency
 * order. Loading checks every spec; {@link #problems()} lists what {@code validate} reports.
 */
public final class PipelineRegistry {
  private final Map<String, Pipeline> pipelines;
  private final List<String> problems;

  private PipelineRegistry(Map<String, Pipeline> pipelines, List<String> problems) {
    this.pipelines = pipelines;
    this.problems = List.copyOf(problems);
  }

  /** Discovers the pipelines registered in {@code META-INF/services/io.medalla.api.Pipeline}. */
  public static PipelineRegistry discover() {
    List<Pipeline> found = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    ServiceLoader.load(Pipeline.class).stream()
        .forEach(
            provider -> {
              try {
                found.add(provider.get());
              } catch (RuntimeException | java.util.ServiceConfigurationError e) {
                problems.add(
                    String.format(
                        "pipeline class %s cannot be loaded: %s",
                        provider.type().getName(), rootMessage(e)));
              }
            });
    return of(found, problems);
  }

  /** A registry of the given pipelines, for tests and embedding. */
  public static PipelineRegistry of(Collection<? extends Pipeline> candidates) {
    return of(candidates, List.of());
  }

  private static PipelineRegistry of(
      Collection<? extends Pipeline> candidates, List<String> loadProblems) {
    List<String> problems = new ArrayList<>(loadProblems);
    Map<String, Pipeline> byName = new TreeMap<>();
    for (Pipeline pipeline : candidates) {
      PipelineSpec spec;
      try {
        spec = pipeline.spec();
      } catch (MedallaException e) {
        problems.add(pipeline.getClass().getName() + ": " + e.getMessage());
        continue;
      }
      if (spec.output().layer() != pipeline.layer()) {
        problems.add(
            String.format(
                "pipeline %s (%s) extends the %s base class but writes a %s table",
                spec.pipelineName(),
                pipeline.getClass().getName(),
                pipeline.layer().id(),
                spec.output().layer().id()));
        continue;
      }
      Pipeline previous = byName.putIfAbsent(spec.pipelineName(), pipeline);
      if (previous != null) {
        problems.add(
            String.format(
                "pipeline %s is declared twice: by %s and %s",
                spec.pipelineName(), previous.getClass().getName(), pipeline.getClass().getName()));
      }
    }
    for (Pipeline pipeline : byName.values()) {
      problems.addAll(ExpectationChecks.problems(pipeline.spec()));
      for (TableId input : pipeline.spec().inputs()) {
        if (!byName.containsKey(input.catalogName())) {
          problems.add(
              String.format(
                  "pipeline %s reads %s, which no pipeline builds; add its pipeline or fix the"
                      + " input",
                  pipeline.name(), input));
        }
      }
    }
    PipelineRegistry registry = new PipelineRegistry(byName, problems);
    registry
        .findCycle()
        .ifPresent(cycle -> problems.add("pipelines depend on each other: " + cycle));
    return new PipelineRegistry(byName, problems);
  }

  /** The problems found while loading; empty when every pipeline is valid. */
  public List<String> problems() {
    return problems;
  }

  /** Every valid pipeline, by name. */
  public Collection<Pipeline> all() {
    return pipelines.values();
  }

  /**
   * The pipeline with this name.
   *
   * @throws MedallaException with {@link ErrorCode#NOT_FOUND} listing the known names
   */
  public Pipeline get(String name) {
    Pipeline pipeline = pipelines.get(name);
    if (pipeline == null) {
      throw new MedallaException(
          ErrorCode.NOT_FOUND,
          "Cannot find pipeline '%s': known pipelines are %s. Run `medalla list`",
          name,
          pipelines.keySet());
    }
    return pipeline;
  }

  /** Every pipeline, each after the pipelines it reads from. */
  public List<Pipeline> inDependencyOrder() {
    return inDependencyOrder(pipelines.values());
  }

  /** The given pipelines, each after those of them it reads from. */
  public List<Pipeline> inDependencyOrder(Collection<Pipeline> selected) {
    Set<String> selectedNames = new HashSet<>();
    selected.forEach(pipeline -> selectedNames.add(pipeline.name()));
    List<Pipeline> ordered = new ArrayList<>();
    Set<String> visited = new HashSet<>();
    for (Pipeline pipeline : pipelines.values()) {
      if (selectedNames.contains(pipeline.name())) {
        visit(pipeline, selectedNames, visited, ordered);
      }
    }
    return ordered;
  }

  /**
   * The pipelines reading, directly or through others, from any of {@code upstream}, in dependency
   * order, without {@code upstream} themselves.
   */
  public List<Pipeline> downstreamOf(Collection<Pipeline> upstream) {
    Set<String> affected = new HashSet<>();
    upstream.forEach(pipeline -> affected.add(pipeline.name()));
    Set<String> downstream = new HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Pipeline pipeline : pipelines.values()) {
        boolean reads =
            pipeline.spec().inputs().stream()
                .anyMatch(input -> affected.contains(input.catalogName()));
        if (reads && affected.add(pipeline.name())) {
          downstream.add(pipeline.name());
          grew = true;
        }
      }
    }
    return inDependencyOrder(
        pipelines.values().stream().filter(p -> downstream.contains(p.name())).toList());
  }

  private void visit(
      Pipeline pipeline, Set<String> selected, Set<String> visited, List<Pipeline> ordered) {
    if (!visited.add(pipeline.name())) {
      return;
    }
    for (TableId input : pipeline.spec().inputs()) {
      Pipeline upstream = pipelines.get(input.catalogName());
      if (upstream != null && selected.contains(upstream.name())) {
        visit(upstream, selected, visited, ordered);
      }
    }
    ordered.add(pipeline);
  }

  private java.util.Optional<String> findCycle() {
    Map<String, Integer> state = new HashMap<>();
    for (String name : pipelines.keySet()) {
      List<String> path = new ArrayList<>();
      if (hasCycle(name, state, path)) {
        return java.util.Optional.of(String.join(" -> ", path));
      }
    }
    return java.util.Optional.empty();
  }

  private boolean hasCycle(String name, Map<String, Integer> state, List<String> path) {
    int current = state.getOrDefault(name, 0);
    if (current == 2 || !pipelines.containsKey(name)) {
      return false;
    }
    path.add(name);
    if (current == 1) {
      return true;
    }
    state.put(name, 1);
    for (TableId input : pipelines.get(name).spec().inputs()) {
      if (hasCycle(input.catalogName(), state, path)) {
        return true;
      }
    }
    state.put(name, 2);
    path.remove(path.size() - 1);
    return false;
  }

  private static String rootMessage(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }
}
