package io.medalla.internal.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_timestamp;

import io.medalla.api.Expectation;
import io.medalla.api.Layer;
import io.medalla.api.Rule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@link Rule.Fresh}: the newest value of a timestamp column is at most the maximum age before the
 * end of the run's logical date (UTC).
 */
final class FreshCheck extends RuleCheck<Rule.Fresh> {
  FreshCheck() {
    super(Rule.Fresh.class);
  }

  @Override
  Judgement plan(Expectation expectation, Rule.Fresh rule, Audit audit) {
    String seconds = "__fresh_" + rule.column();
    audit.extend(
        data -> data.withColumn(seconds, unix_timestamp(col(rule.column()).cast("timestamp"))));
    DeequAnalysis.Measure newest = audit.analysis().maximum(seconds);
    return done -> {
      Instant logicalTime = done.logicalDate().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
      OptionalDouble latest = done.value(newest);
      if (latest.isEmpty()) {
        return CheckResult.of(
            expectation,
            false,
            "no value",
            "within " + rule.maxAge(),
            0,
            "column " + rule.column() + " has no non-null value");
      }
      Instant time = Instant.ofEpochSecond((long) latest.getAsDouble());
      Duration age = Duration.between(time, logicalTime);
      boolean passed = age.compareTo(rule.maxAge()) <= 0;
      return CheckResult.of(
          expectation,
          passed,
          "latest " + time + ", " + age + " before " + logicalTime,
          "at most " + rule.maxAge(),
          0,
          passed
              ? "fresh"
              : String.format(
                  "the newest %s is %s, %s older than the logical time %s allows (%s)",
                  rule.column(), time, age, logicalTime, rule.maxAge()));
    };
  }

  @Override
  String describe(Rule.Fresh rule, Layer layer) {
    return "newest `"
        + rule.column()
        + "` at most "
        + rule.maxAge().toString().substring(2).toLowerCase(Locale.ROOT)
        + " before the end of the logical date (UTC)";
  }

  @Override
  Optional<String> thresholdFormat() {
    return Optional.of("a duration such as 90m, 36h or 2d");
  }

  @Override
  Rule.Fresh withThreshold(Rule.Fresh rule, String value) {
    return new Rule.Fresh(rule.column(), Thresholds.duration(value));
  }
}
