package io.medalla.internal.quality;

import io.medalla.api.ErrorCode;
import io.medalla.api.Expectation;
import io.medalla.api.MedallaException;
import io.medalla.api.PipelineSpec;
import io.medalla.api.Rule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-environment threshold overrides from {@code medalla.quality.thresholds}: a key {@code
 * <table>.<expectation>} and the rule's threshold as text, e.g. {@code
 * "silver_product.events.fresh_occurred_at" = 48h}.
 */
public final class Thresholds {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  private final Map<String, String> overrides;

  public Thresholds(Map<String, String> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /** The spec's expectations with their thresholds overridden where configured. */
  public List<Expectation> apply(PipelineSpec spec) {
    List<Expectation> expectations = new ArrayList<>();
    for (Expectation expectation : spec.expectations()) {
      String key = spec.pipelineName() + "." + expectation.name();
      String value = overrides.get(key);
      expectations.add(
          value == null
              ? expectation
              : new Expectation(
                  expectation.name(),
                  override(key, expectation.rule(), value),
                  expectation.severity()));
    }
    return expectations;
  }

  /** Problems with the overrides: unknown expectations and values that do not parse. */
  public List<String> problems(List<PipelineSpec> specs) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> entry : overrides.entrySet()) {
      Expectation target =
          specs.stream()
              .flatMap(
                  spec ->
                      spec.expectations().stream()
                          .filter(
                              e -> (spec.pipelineName() + "." + e.name()).equals(entry.getKey())))
              .findFirst()
              .orElse(null);
      if (target == null) {
        problems.add(
            String.format(
                "medalla.quality.thresholds names %s, which is no pipeline's expectation;"
                    + " write <pipeline>.<expectation>",
                entry.getKey()));
        continue;
      }
      try {
        override(entry.getKey(), target.rule(), entry.getValue());
      } catch (MedallaException e) {
        problems.add(e.getMessage());
      }
    }
    return problems;
  }

  private static Rule override(String key, Rule rule, String value) {
    RuleCheck<Rule> check = RuleChecks.of(rule);
    String format =
        check
            .thresholdFormat()
            .orElseThrow(
                () ->
                    invalid(
                        key,
                        value,
                        "nothing: a "
                            + rule.getClass().getSimpleName()
                            + " rule has no threshold"));
    try {
      return check.withThreshold(rule, value);
    } catch (IllegalArgumentException e) {
      throw invalid(key, value, format);
    }
  }

  private static MedallaException invalid(String key, String value, String allowed) {
    return new MedallaException(
        ErrorCode.INVALID_CONFIGURATION,
        "Invalid value for medalla.quality.thresholds.\"%s\": got '%s'; allowed: %s",
        key,
        value,
        allowed);
  }

  static Duration duration(String text) {
    Matcher matcher = DURATION.matcher(text.strip());
    if (!matcher.matches()) {
      throw new IllegalArgumentException(text);
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofDays(amount);
    };
  }

  static double[] pair(String text) {
    String[] parts = text.split(",");
    if (parts.length != 2) {
      throw new IllegalArgumentException(text);
    }
    return new double[] {
      Double.parseDouble(parts[0].strip()), Double.parseDouble(parts[1].strip())
    };
  }
}
