package io.medalla.internal.health;

import static org.apache.spark.sql.functions.col;

import io.medalla.internal.quality.CheckStatus;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A table's quality checks on one logical date, as its latest run there checked them.
 *
 * @param table the table checked
 * @param date the logical date
 * @param checks the checks run
 * @param failed the expectations that failed
 */
public record QualityDay(String table, LocalDate date, int checks, List<String> failed) {
  public QualityDay {
    failed = List.copyOf(failed);
  }

  /**
   * Each table's checks per logical date, from the quality results: those of the latest run that
   * checked the date.
   */
  public static List<QualityDay> latest(Dataset<Row> results) {
    Map<List<Object>, List<Row>> byDate = new LinkedHashMap<>();
    for (Row check :
        results
            .select("table", "logical_date", "run_id", "expectation", "status", "checked_at")
            .orderBy(col("checked_at"))
            .collectAsList()) {
      List<Object> day = List.of(check.getString(0), check.getDate(1).toLocalDate());
      List<Row> checks = byDate.computeIfAbsent(day, ignored -> new ArrayList<>());
      if (!checks.isEmpty() && !checks.get(0).getString(2).equals(check.getString(2))) {
        checks.clear();
      }
      checks.add(check);
    }
    List<QualityDay> days = new ArrayList<>();
    byDate.forEach(
        (day, checks) ->
            days.add(
                new QualityDay(
                    (String) day.get(0),
                    (LocalDate) day.get(1),
                    checks.size(),
                    checks.stream()
                        .filter(check -> check.getString(4).equals(CheckStatus.FAILED.name()))
                        .map(check -> check.getString(3))
                        .toList())));
    return days;
  }

  public int passed() {
    return checks - failed.size();
  }
}
