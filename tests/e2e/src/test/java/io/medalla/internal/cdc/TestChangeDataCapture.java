package io.medalla.internal.cdc;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.BronzePipeline;
import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.FileSource;
import io.medalla.api.Pipeline;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunMode;
import io.medalla.api.RunRequest;
import io.medalla.api.RunResult;
import io.medalla.api.TableId;
import io.medalla.internal.quality.QualityStore;
import io.medalla.internal.table.CommitRetry;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.collection.JavaConverters;

/**
 * Change events applied as SCD1 and SCD2 must equal applying them one by one in source order,
 * whatever order, duplication and replay they arrive with.
 */
class TestChangeDataCapture {
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 11, 20);
  private static final String FOLDER = "cdc/customers";
  private static final String ROW_SCHEMA = "id BIGINT, name STRING, tier STRING";
  private static final String ENVELOPE =
      "before STRING, after STRING, op STRING, ts_ms BIGINT,"
          + " source STRUCT<lsn: BIGINT, ts_ms: BIGINT>";
  private static final long EPOCH = 1_795_000_000_000L;

  @TempDir Path directory;

  /** One change at the source. */
  private record Event(long id, String op, String name, String tier, long lsn) {
    long timestamp() {
      return EPOCH + lsn * 1000;
    }

    String json() {
      String image = String.format("{\"id\":%d,\"name\":\"%s\",\"tier\":\"%s\"}", id, name, tier);
      String before = op.equals("c") ? "null" : image;
      String after = op.equals("d") ? "null" : image;
      return String.format(
          "{\"before\":%s,\"after\":%s,\"op\":\"%s\",\"ts_ms\":%d,"
              + "\"source\":{\"lsn\":%d,\"ts_ms\":%d}}",
          before, after, op, timestamp() + 5, lsn, timestamp());
    }

    /** The event as Debezium's PostgreSQL connector writes it: a source block of many fields. */
    String debeziumJson() {
      return json()
          .replace(
              "\"source\":{",
              "\"source\":{\"version\":\"2.7.3.Final\",\"connector\":\"postgresql\","
                  + "\"name\":\"shop\",\"snapshot\":\"false\",\"db\":\"shop\","
                  + "\"schema\":\"public\",\"table\":\"customers\",\"txId\":"
                  + (700 + lsn)
                  + ",\"xmin\":null,");
    }
  }

  /** A source history: creates, updates, deletes and a re-create, in LSN order. */
  private static List<Event> sourceHistory() {
    List<Event> events = new ArrayList<>();
    long lsn = 100;
    for (long id = 1; id <= 6; id++) {
      events.add(new Event(id, "c", "customer-" + id, "bronze", lsn++));
    }
    events.add(new Event(2, "u", "customer-2", "silver", lsn++));
    events.add(new Event(3, "u", "customer-3b", "bronze", lsn++));
    events.add(new Event(2, "u", "customer-2", "gold", lsn++));
    events.add(new Event(4, "d", "customer-4", "bronze", lsn++));
    events.add(new Event(5, "u", "customer-5", "gold", lsn++));
    events.add(new Event(6, "d", "customer-6", "bronze", lsn++));
    events.add(new Event(6, "c", "customer-6 again", "silver", lsn++));
    events.add(new Event(1, "u", "customer-1", "platinum", lsn++));
    events.add(new Event(5, "d", "customer-5", "gold", lsn++));
    return events;
  }

  @Test
  void shuffledDuplicatedAndReplayedEventsGiveTheOneByOneResult() {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    FileSource typedKey = FileSource.debezium(FOLDER, "id BIGINT");

    List<Event> history = applyShuffled(warehouse, List.of(typedKey, typedKey, typedKey));

    assertAppliedOneByOne(warehouse, history);
    assertThat(warehouse.table("bronze_cdc.customers").where("id IS NULL").count()).isZero();
  }

  @Test
  void eventsIngestedBeforeTheTypedKeyColumnExistedStillResolve() {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    FileSource typedKey = FileSource.debezium(FOLDER, "id BIGINT");

    List<Event> history =
        applyShuffled(
            warehouse, List.of(FileSource.jsonLines(FOLDER, ENVELOPE), typedKey, typedKey));

    assertAppliedOneByOne(warehouse, history);
    Dataset<Row> bronze = warehouse.table("bronze_cdc.customers");
    assertThat(bronze.where("_batch_id = '" + FIRST_DAY + "'").where("id IS NOT NULL").count())
        .isZero();
    assertThat(
            bronze
                .where("_batch_id > '" + FIRST_DAY + "'")
                .where(
                    "id IS NULL OR id <> CAST(get_json_object(coalesce(after, before), '$.id')"
                        + " AS BIGINT)")
                .count())
        .isZero();
  }

  @Test
  void realDebeziumEnvelopesRaiseNoDriftAndBronzeRowsAreCountedOnce() {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    List<Event> history = sourceHistory();
    BronzeCustomers bronze = new BronzeCustomers(FileSource.debezium(FOLDER, "id BIGINT"));
    List<RunResult> silverRuns = new ArrayList<>();
    for (int day = 0; day < 2; day++) {
      LocalDate date = FIRST_DAY.plusDays(day);
      List<Event> events = day == 0 ? history.subList(0, 8) : history.subList(8, history.size());
      warehouse.land(
          FOLDER, date, "changes.jsonl", events.stream().map(Event::debeziumJson).toList());
      RunResult ingested = warehouse.run(bronze, date);

      Row drift =
          new QualityStore(
                  warehouse.spark(),
                  warehouse.warehouse(),
                  CommitRetry.fromSettings(warehouse.settings()))
              .results(TableId.parse("bronze_cdc.customers"))
              .where(col("run_id").equalTo(ingested.record().runId()))
              .where(col("expectation").equalTo("schema_drift"))
              .first();
      assertThat(drift.<String>getAs("status"))
          .as("a source block with more fields than declared: %s", drift.<String>getAs("message"))
          .isEqualTo("PASSED");
      silverRuns.add(warehouse.run(new Customers(), date));
      silverRuns.add(
          warehouse
              .runner()
              .run(new CustomerHistory(), RunRequest.asOf(RunMode.INCREMENTAL, date, Map.of())));
    }

    long bronzeRows = warehouse.table("bronze_cdc.customers").count();
    assertThat(bronzeRows).isEqualTo(history.size());
    assertThat(silverRuns)
        .allSatisfy(run -> assertThat(run.exitStatus()).isZero())
        .extracting(run -> run.record().rowsRead())
        .as("rows read by each silver run: bronze's 8 rows, then its 15, each counted once")
        .containsExactly(8L, 8L, 15L, 15L);
    assertThat(customers(warehouse)).isEqualTo(expectedState(history));
  }

  @Test
  void changesToRecentKeysSkipTheFilesOfOlderKeys() throws InterruptedException {
    TestWarehouse warehouse = TestWarehouse.create(directory);
    List<Event> history = new ArrayList<>();
    long lsn = 1;
    for (int day = 0; day < 2; day++) {
      for (long id = day * 300 + 1; id <= (day + 1) * 300; id++) {
        history.add(new Event(id, "c", "customer-" + id, "bronze", lsn++));
      }
      runDay(
          warehouse,
          day,
          history.subList(day * 300, (day + 1) * 300),
          new BronzeCustomers(FileSource.debezium(FOLDER, "id BIGINT")),
          new Customers());
    }
    List<Event> updates = new ArrayList<>();
    for (long id = 590; id <= 600; id++) {
      updates.add(new Event(id, "u", "customer-" + id, "gold", lsn++));
    }
    history.addAll(updates);

    MergeScanListener mergeScans = new MergeScanListener();
    warehouse.spark().sparkContext().addSparkListener(mergeScans);
    RunResult result;
    try {
      result =
          runDay(
              warehouse,
              2,
              updates,
              new BronzeCustomers(FileSource.debezium(FOLDER, "id BIGINT")),
              new Customers());
      mergeScans.awaitDelivery(warehouse.spark());
    } finally {
      warehouse.spark().sparkContext().removeSparkListener(mergeScans);
    }

    // Day 1's keys (1..300) lie in files outside the batch's key range (590..600): neither the
    // MERGE's search for touched files (the table's 600 rows and the batch without skipping) nor
    // the change resolver (the batch and bronze's 611 events) reads them.
    assertThat(mergeScans.recordsRead()).isPositive().isLessThan(600);
    assertThat(result.record().rowsRead()).isLessThan(600);
    assertThat(customers(warehouse)).isEqualTo(expectedState(history));
  }

  /**
   * Lands a shuffled, duplicated and replayed arrival of {@link #sourceHistory()} in three daily
   * batches, ingesting day {@code d} with {@code bronzeSources.get(d)}, and applies each day.
   */
  private List<Event> applyShuffled(TestWarehouse warehouse, List<FileSource> bronzeSources) {
    List<Event> history = sourceHistory();
    List<Event> arrival = new ArrayList<>(history);
    Collections.shuffle(arrival, new Random(7));
    arrival.add(history.get(3));
    arrival.add(history.get(8));
    List<List<Event>> batches = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int index = 0; index < arrival.size(); index++) {
      batches.get(index % 3).add(arrival.get(index));
    }
    batches.get(2).addAll(batches.get(0).subList(0, 4));
    for (int day = 0; day < batches.size(); day++) {
      runDay(
          warehouse,
          day,
          batches.get(day),
          new BronzeCustomers(bronzeSources.get(day)),
          new Customers(),
          new CustomerHistory());
    }
    return history;
  }

  /**
   * Lands {@code events} for the day and runs {@code pipelines} in order; the last one's result.
   */
  private static RunResult runDay(
      TestWarehouse warehouse, int day, List<Event> events, Pipeline... pipelines) {
    LocalDate date = FIRST_DAY.plusDays(day);
    warehouse.land(FOLDER, date, "changes.jsonl", events.stream().map(Event::json).toList());
    RunResult result = null;
    for (Pipeline pipeline : pipelines) {
      result = warehouse.run(pipeline, date);
      assertThat(result.exitStatus()).as(pipeline.spec().pipelineName()).isZero();
    }
    return result;
  }

  private static void assertAppliedOneByOne(TestWarehouse warehouse, List<Event> history) {
    assertThat(customers(warehouse)).isEqualTo(expectedState(history));
    assertThat(
            warehouse
                .table("silver_cdc.customer_history")
                .orderBy("id", "valid_from")
                .collectAsList()
                .stream()
                .map(TestChangeDataCapture::version)
                .toList())
        .isEqualTo(expectedVersions(history));
  }

  private static List<String> customers(TestWarehouse warehouse) {
    return warehouse.table("silver_cdc.customers").orderBy("id").collectAsList().stream()
        .map(row -> row.getLong(0) + "|" + row.getString(1) + "|" + row.getString(2))
        .toList();
  }

  private static String version(Row row) {
    Timestamp to = row.getAs("valid_to");
    return String.format(
        "%d|%s|%s|%d|%s|%s",
        row.<Long>getAs("id"),
        row.<String>getAs("name"),
        row.<String>getAs("tier"),
        row.<Timestamp>getAs("valid_from").getTime(),
        to == null ? "open" : String.valueOf(to.getTime()),
        row.<Boolean>getAs("is_current"));
  }

  /** SCD1 by applying the events one by one in source order. */
  private static List<String> expectedState(List<Event> history) {
    Map<Long, String> state = new TreeMap<>();
    for (Event event : history) {
      if (event.op().equals("d")) {
        state.remove(event.id());
      } else {
        state.put(event.id(), event.id() + "|" + event.name() + "|" + event.tier());
      }
    }
    return new ArrayList<>(state.values());
  }

  /** SCD2 by applying the events one by one in source order. */
  private static List<String> expectedVersions(List<Event> history) {
    Map<Long, List<String[]>> versions = new TreeMap<>();
    for (Event event : history) {
      List<String[]> rows = versions.computeIfAbsent(event.id(), id -> new ArrayList<>());
      if (!rows.isEmpty() && rows.get(rows.size() - 1)[4].equals("open")) {
        String[] current = rows.get(rows.size() - 1);
        current[4] = String.valueOf(event.timestamp());
        current[5] = "false";
      }
      if (!event.op().equals("d")) {
        rows.add(
            new String[] {
              String.valueOf(event.id()),
              event.name(),
              event.tier(),
              String.valueOf(event.timestamp()),
              "open",
              "true"
            });
      }
    }
    List<String> expected = new ArrayList<>();
    versions.values().forEach(rows -> rows.forEach(row -> expected.add(String.join("|", row))));
    return expected;
  }

  /** Counts the records read by the MERGE's search for touched files. */
  private static final class MergeScanListener extends SparkListener {
    private static final String MARKER_GROUP = "merge-scan-listener-marker";
    private final Map<Integer, Integer> mergeScanJobByStage = new ConcurrentHashMap<>();
    private final AtomicLong recordsRead = new AtomicLong();
    private final CountDownLatch markerEnded = new CountDownLatch(1);
    private volatile int markerJob = -1;

    @Override
    public void onJobStart(SparkListenerJobStart event) {
      Properties properties = event.properties() == null ? new Properties() : event.properties();
      if (MARKER_GROUP.equals(properties.getProperty("spark.jobGroup.id"))) {
        markerJob = event.jobId();
      }
      if (properties
          .getProperty("spark.job.description", "")
          .contains("MERGE operation - scanning files for matches")) {
        for (Object stage : JavaConverters.seqAsJavaList(event.stageIds())) {
          mergeScanJobByStage.put((Integer) stage, event.jobId());
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      if (mergeScanJobByStage.containsKey(event.stageId()) && event.taskMetrics() != null) {
        recordsRead.addAndGet(event.taskMetrics().inputMetrics().recordsRead());
      }
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd event) {
      if (event.jobId() == markerJob) {
        markerEnded.countDown();
      }
    }

    long recordsRead() {
      return recordsRead.get();
    }

    /** Listeners get events in order: once a later job's end arrives, every earlier one has. */
    void awaitDelivery(SparkSession spark) throws InterruptedException {
      spark.sparkContext().setJobGroup(MARKER_GROUP, "listener marker", false);
      try {
        spark.range(1).count();
      } finally {
        spark.sparkContext().clearJobGroup();
      }
      assertThat(markerEnded.await(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** The change events, ingested from {@code source}. */
  private static final class BronzeCustomers extends BronzePipeline {
    private final FileSource source;

    BronzeCustomers(FileSource source) {
      this.source = source;
    }

    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_cdc.customers")
          .owner("cdc@medalla.dev")
          .source(source)
          .build();
    }
  }

  private static final class Customers extends ChangeDataPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_cdc.customers")
          .owner("cdc@medalla.dev")
          .keys("id")
          .changes(ChangeFeed.debezium("bronze_cdc.customers", ROW_SCHEMA))
          .build();
    }
  }

  private static final class CustomerHistory extends ChangeDataPipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("silver_cdc.customer_history")
          .owner("cdc@medalla.dev")
          .keys("id")
          .changes(ChangeFeed.debezium("bronze_cdc.customers", ROW_SCHEMA).keepingHistory())
          .build();
    }
  }
}
