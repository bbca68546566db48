package io.medalla.internal.ingest;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medalla.api.BronzePipeline;
import io.medalla.api.ErrorCode;
import io.medalla.api.JdbcSource;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.RunContext;
import io.medalla.api.RunResult;
import io.medalla.api.RunStatus;
import io.medalla.testkit.PostgresServer;
import io.medalla.testkit.TestWarehouse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bronze ingestion of PostgreSQL tables: full, incremental, partitioned, deletes, secrets. */
class TestJdbcIngestion {
  private static final String CONNECTION = "crm_db";
  private static final LocalDate DAY_1 = LocalDate.of(2026, 11, 1);
  private static final LocalDate DAY_2 = LocalDate.of(2026, 11, 2);
  private static final LocalDate DAY_3 = LocalDate.of(2026, 11, 3);
  private static final LocalDate DAY_4 = LocalDate.of(2026, 11, 4);

  private static PostgresServer postgres;

  @TempDir Path directory;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
    postgres.execute("CREATE SCHEMA crm");
  }

  @AfterAll
  static void stopPostgres() {
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Creates {@code crm.<table>} with {@code rows} customers, updated one minute apart. */
  private static String customers(String table, int rows) {
    String name = "crm." + table;
    postgres.execute(
        "CREATE TABLE "
            + name
            + " (id BIGINT PRIMARY KEY, name TEXT NOT NULL, balance NUMERIC(12, 2),"
            + " updated_at TIMESTAMP NOT NULL)",
        "INSERT INTO "
            + name
            + " SELECT g, 'customer ' || g, g * 1.5, TIMESTAMP '2026-10-01 00:00:00' + g *"
            + " INTERVAL '1 minute' FROM generate_series(1, "
            + rows
            + ") g");
    return name;
  }

  private TestWarehouse warehouse() {
    return warehouse(Map.of());
  }

  private TestWarehouse warehouse(Map<String, String> overrides) {
    Map<String, String> settings =
        new HashMap<>(postgres.connectionSettings(CONNECTION, directory.resolve("secrets")));
    settings.putAll(overrides);
    return TestWarehouse.create(directory, settings);
  }

  @Test
  void fullExtractionLandsEveryRowWithTheBronzeColumns() {
    String table = customers("full_customers", 25);
    TestWarehouse warehouse = warehouse();

    RunResult run =
        warehouse.run(
            new BronzeTable("bronze_crm.full", JdbcSource.table(CONNECTION, table)), DAY_1);

    assertThat(run.exitStatus()).as("%s", run.record().errorMessage()).isZero();
    assertThat(run.record().rowsWritten()).isEqualTo(25);
    Dataset<Row> bronze = warehouse.table("bronze_crm.full");
    assertThat(bronze.columns())
        .containsExactly(
            "id",
            "name",
            "balance",
            "updated_at",
            "_source",
            "_corrupt_record",
            "_change_op",
            "_ingested_at",
            "_run_id",
            "_batch_id");
    assertThat(bronze.count()).isEqualTo(25);
    assertThat(bronze.where(col("_change_op").equalTo("r")).count()).isEqualTo(25);
    assertThat(bronze.where(col("_corrupt_record").isNull()).count()).isEqualTo(25);
    assertThat(bronze.where(col("_source").equalTo("jdbc:crm_db/crm.full_customers")).count())
        .isEqualTo(25);
    Row seventh = bronze.where(col("id").equalTo(7L)).first();
    assertThat(seventh.<String>getAs("name")).isEqualTo("customer 7");
    assertThat(seventh.<BigDecimal>getAs("balance")).isEqualByComparingTo("10.5");
  }

  @Test
  void incrementalReadsEachInsertAndUpdateOnceEvenAfterACrash() {
    String table = customers("incremental_customers", 10);
    TestWarehouse warehouse = warehouse();
    JdbcSource source = JdbcSource.table(CONNECTION, table).incremental("updated_at");
    BronzeTable pipeline = new BronzeTable("bronze_crm.incremental", source);
    assertThat(warehouse.run(pipeline, DAY_1).record().rowsWritten()).isEqualTo(10);

    postgres.execute(
        "INSERT INTO "
            + table
            + " SELECT g, 'customer ' || g, 0, TIMESTAMP '2026-11-01 12:00:00' + g * INTERVAL '1"
            + " second' FROM generate_series(11, 13) g",
        "UPDATE "
            + table
            + " SET name = 'renamed', updated_at = TIMESTAMP '2026-11-01 13:00:00' WHERE id IN"
            + " (2, 5)");

    RunResult crashed =
        warehouse.run(new CrashingBronzeTable("bronze_crm.incremental", source), DAY_2);
    assertThat(crashed.exitStatus()).isEqualTo(1);
    assertThat(warehouse.table("bronze_crm.incremental").count()).isEqualTo(10);

    RunResult second = warehouse.run(pipeline, DAY_2);
    assertThat(second.exitStatus()).as("%s", second.record().errorMessage()).isZero();
    assertThat(second.record().rowsRead()).as("the watermark filter is pushed down").isEqualTo(5);
    assertThat(second.record().rowsWritten()).isEqualTo(5);
    Dataset<Row> bronze = warehouse.table("bronze_crm.incremental");
    assertThat(bronze.count()).isEqualTo(15);
    List<Long> secondBatch =
        bronze
            .where(col("_run_id").equalTo(second.record().runId()))
            .select("id")
            .as(Encoders.LONG())
            .collectAsList();
    assertThat(secondBatch).containsExactlyInAnyOrder(2L, 5L, 11L, 12L, 13L);
    assertThat(bronze.where(col("name").equalTo("renamed")).count()).isEqualTo(2);

    RunResult unchanged = warehouse.run(pipeline, DAY_3);
    assertThat(unchanged.exitStatus()).isZero();
    assertThat(unchanged.record().rowsRead()).isZero();
    assertThat(unchanged.record().rowsWritten()).isZero();
    RunResult repeated = warehouse.run(pipeline, DAY_2);
    assertThat(repeated.exitStatus()).isZero();
    assertThat(repeated.record().rowsWritten()).isZero();
    assertThat(warehouse.table("bronze_crm.incremental").count()).isEqualTo(15);
  }

  @Test
  void partitionedReadYieldsTheSameRowsAsOneRead() {
    String table = customers("partitioned_customers", 400);
    TestWarehouse warehouse = warehouse();
    JdbcSource whole = JdbcSource.table(CONNECTION, table);
    JdbcSource split = whole.partitionedBy("id", 4);
    BronzeTable parallel = new BronzeTable("bronze_crm.split", split);

    assertThat(
            JdbcReader.read(
                    warehouse.spark(),
                    warehouse.settings(),
                    warehouse.warehouse(),
                    parallel.spec(),
                    split)
                .rdd()
                .getNumPartitions())
        .isEqualTo(4);
    assertThat(warehouse.run(parallel, DAY_1).record().rowsWritten()).isEqualTo(400);
    assertThat(
            warehouse.run(new BronzeTable("bronze_crm.whole", whole), DAY_1).record().rowsWritten())
        .isEqualTo(400);

    List<Row> fromSplit = rowsOf(warehouse.table("bronze_crm.split"));
    assertThat(fromSplit).hasSize(400).doesNotHaveDuplicates();
    assertThat(fromSplit).isEqualTo(rowsOf(warehouse.table("bronze_crm.whole")));
  }

  /** The source columns of a bronze table's rows, ordered by id. */
  private static List<Row> rowsOf(Dataset<Row> bronze) {
    List<Row> rows =
        new ArrayList<>(bronze.select("id", "name", "balance", "updated_at").collectAsList());
    rows.sort(Comparator.comparingLong(row -> row.getLong(0)));
    return rows;
  }

  @Test
  void rowDeletedAtTheSourceIsRecordedOnce() {
    String table = customers("deleted_customers", 10);
    TestWarehouse warehouse = warehouse();
    BronzeTable pipeline =
        new BronzeTable(
            "bronze_crm.deleted",
            JdbcSource.table(CONNECTION, table)
                .incremental("updated_at")
                .keys("id")
                .partitionedBy("id", 2)
                .detectingDeletes());
    assertThat(warehouse.run(pipeline, DAY_1).record().rowsWritten()).isEqualTo(10);

    postgres.execute("DELETE FROM " + table + " WHERE id = 4");
    RunResult detected = warehouse.run(pipeline, DAY_2);

    assertThat(detected.exitStatus()).as("%s", detected.record().errorMessage()).isZero();
    assertThat(detected.record().rowsWritten()).isEqualTo(1);
    Dataset<Row> deletes =
        warehouse.table("bronze_crm.deleted").where(col("_change_op").equalTo("d"));
    assertThat(deletes.count()).isEqualTo(1);
    Row delete = deletes.first();
    assertThat(delete.<Long>getAs("id")).isEqualTo(4L);
    assertThat(delete.<String>getAs("name")).isNull();
    assertThat(delete.<Object>getAs("updated_at")).isNull();
    assertThat(delete.<String>getAs("_source")).isEqualTo("jdbc:crm_db/crm.deleted_customers");
    assertThat(delete.<String>getAs("_run_id")).isEqualTo(detected.record().runId());

    RunResult again = warehouse.run(pipeline, DAY_3);
    assertThat(again.exitStatus()).isZero();
    assertThat(again.record().rowsWritten()).isZero();
    assertThat(warehouse.table("bronze_crm.deleted").where(col("_change_op").equalTo("d")).count())
        .isEqualTo(1);

    postgres.execute(
        "INSERT INTO " + table + " VALUES (4, 'back again', 0, TIMESTAMP '2026-11-03 00:00:00')");
    RunResult reinserted = warehouse.run(pipeline, DAY_4);
    assertThat(reinserted.record().rowsWritten()).isEqualTo(1);
    Dataset<Row> bronze = warehouse.table("bronze_crm.deleted");
    assertThat(bronze.where(col("_change_op").equalTo("d")).count()).isEqualTo(1);
    assertThat(bronze.where(col("name").equalTo("back again")).count()).isEqualTo(1);
  }

  @Test
  void literalPasswordInConfigurationIsRejectedWithoutPrintingIt() {
    String literal = "Literal-Pa55word-in-conf";

    assertThatThrownBy(() -> warehouse(Map.of("medalla.connections.crm_db.password", literal)))
        .isInstanceOfSatisfying(
            MedallaException.class,
            error -> {
              assertThat(error.code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION);
              assertThat(error.code().exitStatus()).isEqualTo(2);
              assertThat(error.getMessage())
                  .contains("medalla.connections.crm_db.password")
                  .contains("env:VARIABLE_NAME or file:/path/to/file")
                  .doesNotContain(literal);
            });
  }

  @Test
  void unknownConnectionIsAConfigurationErrorNamingTheConfiguredOnes() {
    String table = customers("unknown_connection_customers", 1);
    TestWarehouse warehouse = warehouse();

    RunResult run =
        warehouse.run(
            new BronzeTable("bronze_crm.unknown", JdbcSource.table("erp_db", table)), DAY_1);

    assertThat(run.exitStatus()).isEqualTo(2);
    assertThat(run.record().errorMessage().orElseThrow())
        .contains("Cannot find connection erp_db")
        .contains("configured connections: crm_db");
  }

  @Test
  void wrongPasswordFailsTheRunWithoutRevealingIt() {
    String table = customers("wrong_password_customers", 3);
    String wrong = "Wrong-Pa55word-" + postgres.password().substring(0, 6);
    TestWarehouse warehouse =
        warehouse(
            Map.of(
                "medalla.connections.crm_db.password",
                PostgresServer.secretFile(directory.resolve("secrets"), "wrong-password", wrong)));

    RunResult run =
        warehouse.run(
            new BronzeTable("bronze_crm.wrong_password", JdbcSource.table(CONNECTION, table)),
            DAY_1);

    assertThat(run.exitStatus()).isEqualTo(1);
    assertThat(run.record().status()).isEqualTo(RunStatus.FAILED);
    assertThat(run.record().errorMessage().orElseThrow())
        .contains("Cannot read table " + table + " over connection crm_db")
        .contains("password authentication failed")
        .doesNotContain(wrong)
        .doesNotContain(postgres.password())
        .doesNotContain(postgres.user())
        .doesNotContain(postgres.jdbcUrl());
    assertThat(
            warehouse
                .ledger()
                .where(col("run_id").equalTo(run.record().runId()))
                .first()
                .toString())
        .doesNotContain(wrong);
  }

  /** Ingests one JDBC source as received. */
  private static class BronzeTable extends BronzePipeline {
    private final PipelineSpec spec;

    BronzeTable(String output, JdbcSource source) {
      this.spec =
          PipelineSpec.builder(output)
              .owner("crm-data@medalla.dev")
              .description("Customers of the CRM database as extracted.")
              .source(source)
              .build();
    }

    @Override
    public PipelineSpec spec() {
      return spec;
    }
  }

  /** Reads the source rows, then fails before anything is published. */
  private static final class CrashingBronzeTable extends BronzeTable {
    CrashingBronzeTable(String output, JdbcSource source) {
      super(output, source);
    }

    @Override
    public Dataset<Row> transform(Dataset<Row> records, RunContext context) {
      throw new IllegalStateException("simulated crash after reading " + records.count() + " rows");
    }
  }
}
