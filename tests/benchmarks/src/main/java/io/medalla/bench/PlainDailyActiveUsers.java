package io.medalla.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;

import io.medalla.api.TableId;
import io.medalla.internal.table.Warehouse;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import org.apache.spark.sql.SparkSession;

/**
 * The baseline of a {@code run gold_product.daily_active_users --date D} process: the plain Spark
 * job a team would write instead, on a session with the same settings. It reads the day's silver
 * events, aggregates them as the pipeline does and replaces the day's partition of its own table.
 * Arguments: the warehouse, the output path and the date.
 */
final class PlainDailyActiveUsers {
  private PlainDailyActiveUsers() {}

  public static void main(String[] args) {
    Path warehouse = Path.of(args[0]);
    Date day = Date.valueOf(LocalDate.parse(args[2]));
    SparkSession spark = Benchmarks.spark(Benchmarks.settings(warehouse.getParent()));
    spark
        .read()
        .format("delta")
        .load(new Warehouse(args[0]).path(TableId.parse("silver_product.events")))
        .where(col("event_date").equalTo(lit(day)))
        .groupBy(col("event_date").as("activity_date"), col("platform"))
        .agg(countDistinct("user_id").as("active_users"), count(lit(1)).as("events"))
        .write()
        .format("delta")
        .mode("overwrite")
        .partitionBy("activity_date")
        .option("replaceWhere", "activity_date = DATE'" + day + "'")
        .save(args[1]);
    spark.stop();
  }
}
