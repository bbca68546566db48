package io.medalla.internal.lineage;

import static java.util.Objects.requireNonNull;

import io.medalla.api.PipelineSpec;
import io.medalla.api.RunRecord;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.api.TableId;
import io.medalla.internal.quality.CheckResult;
import io.medalla.internal.quality.CheckStatus;
import io.openlineage.client.OpenLineage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Builds a run's OpenLineage events from what it planned and committed: job = pipeline, run id = a
 * UUID derived from the Medalla run id (which the {@code medalla_run} facet carries as is), inputs
 * at their pinned Delta versions, the output at its committed version with its statistics, schema,
 * quality assertions and column lineage.
 */
final class LineageEvents {
  static final URI PRODUCER = URI.create("https://medalla.dev/medalla");
  private static final String MEDALLA_RUN_FACET = "medalla_run";
  private static final String MEDALLA_READ_FACET = "medalla_read";

  private final OpenLineage openLineage = new OpenLineage(PRODUCER);
  private final String namespace;
  private final Function<TableId, URI> location;

  /**
   * @param namespace the jobs' namespace and the one of the tables' catalog names (symlinks)
   * @param location each table's qualified location
   */
  LineageEvents(String namespace, Function<TableId, URI> location) {
    this.namespace = requireNonNull(namespace, "namespace is null");
    this.location = requireNonNull(location, "location is null");
  }

  /** The OpenLineage run id of a Medalla run: the same for every event of the run. */
  static UUID runUuid(String runId) {
    return UUID.nameUUIDFromBytes(("medalla:" + runId).getBytes(StandardCharsets.UTF_8));
  }

  /** The START event of a run that is planned and allowed to write. */
  OpenLineage.RunEvent start(PipelineSpec spec, RunRecord running, LineageFacts facts) {
    return event(
        OpenLineage.RunEvent.EventType.START,
        spec,
        running,
        running.startedAt().atZone(ZoneOffset.UTC),
        facts,
        Optional.empty());
  }

  /** The terminal event of an ended run: COMPLETE, FAIL, or ABORT for a blocked run. */
  OpenLineage.RunEvent end(PipelineSpec spec, RunResult result, LineageFacts facts) {
    RunRecord record = result.record();
    OpenLineage.RunEvent.EventType type =
        switch (record.status()) {
          case SUCCEEDED, SKIPPED -> OpenLineage.RunEvent.EventType.COMPLETE;
          case BLOCKED -> OpenLineage.RunEvent.EventType.ABORT;
          default -> OpenLineage.RunEvent.EventType.FAIL;
        };
    return event(
        type, spec, record, record.endedAt().atZone(ZoneOffset.UTC), facts, Optional.of(result));
  }

  private OpenLineage.RunEvent event(
      OpenLineage.RunEvent.EventType type,
      PipelineSpec spec,
      RunRecord record,
      ZonedDateTime time,
      LineageFacts facts,
      Optional<RunResult> ended) {
    return openLineage
        .newRunEventBuilder()
        .eventType(type)
        .eventTime(time)
        .run(openLineage.newRun(runUuid(record.runId()), runFacets(record, ended)))
        .job(openLineage.newJob(namespace, spec.pipelineName(), jobFacets(spec)))
        .inputs(inputs(spec, record, facts))
        .outputs(List.of(output(spec, record, facts, ended)))
        .build();
  }

  private OpenLineage.RunFacets runFacets(RunRecord record, Optional<RunResult> ended) {
    ZonedDateTime nominal = record.logicalDate().atStartOfDay(ZoneOffset.UTC);
    OpenLineage.RunFacet medalla = openLineage.newRunFacet();
    Map<String, Object> properties = medalla.getAdditionalProperties();
    properties.put("runId", record.runId());
    properties.put("env", record.environment());
    properties.put("mode", record.mode().name());
    properties.put("dates", record.dates().stream().map(Object::toString).toList());
    properties.put("principal", record.principal());
    properties.put("status", record.status().name());
    OpenLineage.RunFacetsBuilder facets =
        openLineage
            .newRunFacetsBuilder()
            .nominalTime(openLineage.newNominalTimeRunFacet(nominal, nominal.plusDays(1)))
            .put(MEDALLA_RUN_FACET, medalla);
    ended
        .flatMap(RunResult::failure)
        .ifPresent(
            failure ->
                facets.errorMessage(
                    openLineage.newErrorMessageRunFacet(
                        record.errorMessage().orElse(failure.getClass().getName()),
                        "JAVA",
                        record.errorCode().orElse("") + " " + failure.getClass().getName())));
    return facets.build();
  }

  private OpenLineage.JobFacets jobFacets(PipelineSpec spec) {
    OpenLineage.JobFacetsBuilder facets =
        openLineage
            .newJobFacetsBuilder()
            .jobType(openLineage.newJobTypeJobFacet("BATCH", "MEDALLA", "PIPELINE", null))
            .ownership(
                openLineage.newOwnershipJobFacet(
                    List.of(openLineage.newOwnershipJobFacetOwners(spec.owner(), null))));
    if (!spec.description().isBlank()) {
      facets.documentation(openLineage.newDocumentationJobFacet(spec.description(), null));
    }
    return facets.build();
  }

  private List<OpenLineage.InputDataset> inputs(
      PipelineSpec spec, RunRecord record, LineageFacts facts) {
    List<OpenLineage.InputDataset> inputs = new ArrayList<>();
    spec.source()
        .ifPresent(
            source ->
                inputs.add(
                    openLineage
                        .newInputDatasetBuilder()
                        .namespace(namespace)
                        .name(source.describe())
                        .build()));
    Map<TableId, LineageFacts.InputRead> reads = facts.reads();
    for (TableId input : spec.inputs()) {
      OpenLineage.DatasetFacetsBuilder datasetFacets = tableFacets(input);
      Optional.ofNullable(record.inputVersions().get(input.catalogName()))
          .ifPresent(
              version ->
                  datasetFacets.version(
                      openLineage.newDatasetVersionDatasetFacet(String.valueOf(version))));
      OpenLineage.InputDatasetInputFacetsBuilder inputFacets =
          openLineage.newInputDatasetInputFacetsBuilder();
      LineageFacts.InputRead read = reads.get(input);
      if (read != null) {
        datasetFacets.schema(schema(read.schema()));
        OpenLineage.InputDatasetFacet readFacet = openLineage.newInputDatasetFacet();
        readFacet.getAdditionalProperties().put("kind", read.kind().name());
        read.fromVersion()
            .ifPresent(from -> readFacet.getAdditionalProperties().put("fromVersion", from));
        inputFacets.put(MEDALLA_READ_FACET, readFacet);
      }
      URI where = location.apply(input);
      inputs.add(
          openLineage.newInputDataset(
              datasetNamespace(where),
              datasetName(where),
              datasetFacets.build(),
              inputFacets.build()));
    }
    return inputs;
  }

  private OpenLineage.OutputDataset output(
      PipelineSpec spec, RunRecord record, LineageFacts facts, Optional<RunResult> ended) {
    TableId table = spec.output();
    OpenLineage.DatasetFacetsBuilder datasetFacets =
        tableFacets(table)
            .ownership(
                openLineage.newOwnershipDatasetFacet(
                    List.of(openLineage.newOwnershipDatasetFacetOwners(spec.owner(), null))));
    OpenLineage.OutputDatasetOutputFacetsBuilder outputFacets =
        openLineage.newOutputDatasetOutputFacetsBuilder();
    facts.outputSchema().ifPresent(schema -> datasetFacets.schema(schema(schema)));
    if (ended.isPresent()) {
      RunResult result = ended.get();
      boolean committed = result.record().status() == RunStatus.SUCCEEDED;
      if (committed) {
        record
            .outputVersion()
            .ifPresent(
                version ->
                    datasetFacets.version(
                        openLineage.newDatasetVersionDatasetFacet(String.valueOf(version))));
        outputFacets.outputStatistics(
            openLineage
                .newOutputStatisticsOutputDatasetFacetBuilder()
                .rowCount(record.rowsWritten())
                .fileCount(result.metrics().filesWritten())
                .size(result.metrics().total().bytesWritten())
                .build());
      }
      if (!facts.checks().isEmpty()) {
        datasetFacets.put("dataQualityAssertions", assertions(facts.checks()));
      }
      if (committed && !facts.columns().isEmpty()) {
        datasetFacets.columnLineage(columnLineage(facts.columns()));
      }
    }
    URI where = location.apply(table);
    return openLineage.newOutputDataset(
        datasetNamespace(where), datasetName(where), datasetFacets.build(), outputFacets.build());
  }

  /** A table's facets every event carries: its catalog name, as a symlink. */
  private OpenLineage.DatasetFacetsBuilder tableFacets(TableId table) {
    return openLineage
        .newDatasetFacetsBuilder()
        .symlinks(
            openLineage.newSymlinksDatasetFacet(
                List.of(
                    openLineage.newSymlinksDatasetFacetIdentifiers(
                        namespace, table.catalogName(), "TABLE"))));
  }

  private OpenLineage.SchemaDatasetFacet schema(StructType schema) {
    List<OpenLineage.SchemaDatasetFacetFields> fields = new ArrayList<>();
    for (StructField field : schema.fields()) {
      fields.add(
          openLineage
              .newSchemaDatasetFacetFieldsBuilder()
              .name(field.name())
              .type(field.dataType().simpleString())
              .description(field.getComment().isDefined() ? field.getComment().get() : null)
              .build());
    }
    return openLineage.newSchemaDatasetFacet(fields);
  }

  /**
   * The quality gate's results in the shape of OpenLineage's data-quality-assertions facet, which
   * the spec defines for inputs: here on the output the gate checked before publishing it.
   */
  private OpenLineage.DatasetFacet assertions(List<CheckResult> checks) {
    OpenLineage.DatasetFacet facet = openLineage.newDatasetFacet();
    facet
        .getAdditionalProperties()
        .put(
            "assertions",
            checks.stream()
                .map(
                    check ->
                        openLineage
                            .newDataQualityAssertionsDatasetFacetAssertionsBuilder()
                            .assertion(check.expectation())
                            .success(check.status() == CheckStatus.PASSED)
                            .severity(check.severity().name())
                            .description(check.rule())
                            .expected(check.threshold())
                            .actual(check.observed())
                            .build())
                .toList());
    return facet;
  }

  private OpenLineage.ColumnLineageDatasetFacet columnLineage(
      Map<String, Set<ColumnLineage.Origin>> columns) {
    OpenLineage.ColumnLineageDatasetFacetFieldsBuilder fields =
        openLineage.newColumnLineageDatasetFacetFieldsBuilder();
    columns.forEach(
        (column, origins) ->
            fields.put(
                column,
                openLineage
                    .newColumnLineageDatasetFacetFieldsAdditionalBuilder()
                    .inputFields(
                        origins.stream()
                            .map(
                                origin -> {
                                  URI where = location.apply(origin.table());
                                  return openLineage
                                      .newInputFieldBuilder()
                                      .namespace(datasetNamespace(where))
                                      .name(datasetName(where))
                                      .field(origin.column())
                                      .build();
                                })
                            .toList())
                    .build()));
    return openLineage.newColumnLineageDatasetFacet(fields.build(), null);
  }

  /** OpenLineage's naming of a location: {@code file}, or {@code scheme://authority}. */
  static String datasetNamespace(URI location) {
    return location.getAuthority() == null
        ? location.getScheme()
        : location.getScheme() + "://" + location.getAuthority();
  }

  /** The path of a location: absolute for {@code file}, without its leading slash otherwise. */
  static String datasetName(URI location) {
    String path = location.getPath();
    return location.getAuthority() == null ? path : path.replaceFirst("^/", "");
  }
}
