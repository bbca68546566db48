package io.medalla.api;

/**
 * A pipeline builds exactly one table. Extend {@link BronzePipeline}, {@link SilverPipeline} or
 * {@link GoldPipeline}, declare a {@link PipelineSpec} and write the transformation; the framework
 * runs everything else (plan, guard, read, conform, audit, publish, record).
 *
 * <p>Pipelines are discovered with {@link java.util.ServiceLoader}: list the class in {@code
 * META-INF/services/io.medalla.api.Pipeline} of the domain module. Implementations need a public
 * no-argument constructor and must be stateless.
 */
public abstract sealed class Pipeline permits BronzePipeline, SilverPipeline, GoldPipeline {
  Pipeline() {}

  /** The pipeline's declaration. Called once per process; return a constant. */
  public abstract PipelineSpec spec();

  /** The pipeline's name: its output table's catalog name. */
  public final String name() {
    return spec().pipelineName();
  }

  /** The layer this pipeline writes. */
  public abstract Layer layer();
}
