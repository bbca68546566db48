package io.medalla.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import io.medalla.api.BronzePipeline;
import io.medalla.api.ChangeDataPipeline;
import io.medalla.api.ChangeFeed;
import io.medalla.api.FileSource;
import io.medalla.api.PipelineSpec;
import io.medalla.testkit.TestWarehouse;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Change events applied as SCD1 and SCD2 must equal applying them one by one in source order,
 * whatever order, duplication and replay they arrive with.
 */
class TestChangeDataCapture {
  private static final LocalDate FIRST_DAY = LocalDate.of(2026, 11, 20);
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
    List<Event> history = sourceHistory();
    List<Event> arrival = new ArrayList<>(history);
    Collections.shuffle(arrival, new Random(7));
    arrival.add(history.get(3));
    arrival.add(history.get(8));
    List<List<String>> batches = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    for (int index = 0; index < arrival.size(); index++) {
      batches.get(index % 3).add(arrival.get(index).json());
    }
    batches.get(2).addAll(batches.get(0).subList(0, 4));

    TestWarehouse warehouse = TestWarehouse.create(directory);
    for (int day = 0; day < batches.size(); day++) {
      LocalDate date = FIRST_DAY.plusDays(day);
      warehouse.land("cdc/customers", date, "changes.jsonl", batches.get(day));
      assertThat(warehouse.run(new BronzeCustomers(), date).exitStatus()).isZero();
      assertThat(warehouse.run(new Customers(), date).exitStatus()).isZero();
      assertThat(warehouse.run(new CustomerHistory(), date).exitStatus()).isZero();
    }

    assertThat(
            warehouse.table("silver_cdc.customers").orderBy("id").collectAsList().stream()
                .map(row -> row.getLong(0) + "|" + row.getString(1) + "|" + row.getString(2))
                .toList())
        .isEqualTo(expectedState(history));
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

  private static final class BronzeCustomers extends BronzePipeline {
    @Override
    public PipelineSpec spec() {
      return PipelineSpec.builder("bronze_cdc.customers")
          .owner("cdc@medalla.dev")
          .source(FileSource.jsonLines("cdc/customers", ENVELOPE))
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
