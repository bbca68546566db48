package io.medalla.api;

/**
 * Reads one type of {@link Source} for bronze pipelines. The framework reads {@link FileSource} and
 * {@link JdbcSource}; a module adds a kind by implementing this interface (public no-argument
 * constructor, stateless) and listing the class in {@code
 * META-INF/services/io.medalla.api.SourceKind}. A spec then declares a source of the kind's type,
 * and the runner ingests it like any other: no change to the framework.
 *
 * <p><b>Exactly once.</b> The framework appends each batch in one Delta commit whose transaction id
 * ({@code txnAppId} = pipeline and logical date, {@code txnVersion} = the bronze table's version
 * the run was planned on, plus one) makes two runs planned on the same version commit the batch
 * once. Across runs, a kind returns only the records the bronze table does not hold yet, and
 * decides that from the table itself ({@link IngestContext#table()}), never from state kept
 * elsewhere: a run that dies before its commit has then moved nothing, and a repeated run reads
 * nothing new, writes nothing and is recorded {@link RunStatus#SKIPPED}. Landing files are read
 * once per file (the files of the date's batch named in {@code _source}); a JDBC table once per row
 * above the highest watermark in bronze.
 *
 * @param <S> the source type this kind reads
 * @since 0.2.0
 */
public interface SourceKind<S extends Source> {
  /** The source type this kind reads; one kind per type. */
  Class<S> sourceType();

  /**
   * Reads the records of the run's batch that the bronze table does not hold yet. Every record
   * carries {@code _source} (where it came from); it may carry {@code _line}, {@code
   * _corrupt_record} and {@code _change_op}, which bronze keeps too. Nothing is written here.
   *
   * @throws MedallaException with {@link ErrorCode#INPUT_MISSING} when the batch is not there yet,
   *     or another code saying what to fix
   */
  SourceBatch read(S source, IngestContext context);
}
