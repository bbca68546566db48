package io.medalla.run;

import io.medalla.api.ChangeFeed;
import io.medalla.api.ErrorCode;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.TableId;
import io.medalla.cdc.ChangeResolver;
import io.medalla.table.DeltaTables;
import io.medalla.table.Warehouse;
import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The run context handed to a transformation. Reads are limited to the spec's inputs. */
final class DefaultRunContext implements RunContext {
  private final SparkSession spark;
  private final Warehouse warehouse;
  private final PipelineSpec spec;
  private final String runId;
  private final LocalDate logicalDate;
  private final String environment;

  DefaultRunContext(
      SparkSession spark,
      Warehouse warehouse,
      PipelineSpec spec,
      String runId,
      LocalDate logicalDate,
      String environment) {
    this.spark = spark;
    this.warehouse = warehouse;
    this.spec = spec;
    this.runId = runId;
    this.logicalDate = logicalDate;
    this.environment = environment;
  }

  @Override
  public String runId() {
    return runId;
  }

  @Override
  public LocalDate logicalDate() {
    return logicalDate;
  }

  @Override
  public String environment() {
    return environment;
  }

  @Override
  public SparkSession spark() {
    return spark;
  }

  @Override
  public Dataset<Row> changes() {
    ChangeFeed feed =
        spec.changeFeed()
            .orElseThrow(
                () ->
                    new MedallaException(
                        ErrorCode.INVALID_PIPELINE,
                        "Cannot resolve changes in pipeline %s: its spec declares no change feed;"
                            + " add changes(ChangeFeed.debezium(...))",
                        spec.pipelineName()));
    return ChangeResolver.resolve(spec, read(feed.input()), logicalDate);
  }

  @Override
  public Dataset<Row> read(TableId input) {
    if (!spec.inputs().contains(input)) {
      throw new MedallaException(
          ErrorCode.INVALID_PIPELINE,
          "Cannot read %s in pipeline %s: it is not a declared input (declared: %s). Add it to"
              + " the spec's inputs",
          input,
          spec.pipelineName(),
          spec.inputs());
    }
    String path = warehouse.path(input);
    if (!DeltaTables.exists(spark, path)) {
      throw new MedallaException(
          ErrorCode.INPUT_MISSING,
          "Cannot read %s in pipeline %s: the table does not exist yet at %s. Run pipeline %s"
              + " first",
          input,
          spec.pipelineName(),
          path,
          input);
    }
    return spark.read().format("delta").load(path);
  }
}
