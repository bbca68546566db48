package io.medalla.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Wall-clock samples in milliseconds, by measurement name. */
final class Timings {
  private final Map<String, List<Double>> samples = new LinkedHashMap<>();

  /** Runs {@code action} and adds its duration to the samples of {@code name}. */
  void time(String name, Runnable action) {
    long started = System.nanoTime();
    action.run();
    add(name, (System.nanoTime() - started) / 1e6);
  }

  /** Adds a sample measured elsewhere. */
  void add(String name, double millis) {
    samples.computeIfAbsent(name, ignored -> new ArrayList<>()).add(millis);
  }

  /** Whether {@code name} has samples. */
  boolean has(String name) {
    return samples.containsKey(name);
  }

  double min(String name) {
    return samples.get(name).stream().mapToDouble(Double::doubleValue).min().orElseThrow();
  }

  double median(String name) {
    List<Double> sorted = samples.get(name).stream().sorted().toList();
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1
        ? sorted.get(middle)
        : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }

  double mean(String name) {
    return samples.get(name).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
  }

  /** Prints the median, mean and minimum of each of {@code names}, one aligned row each. */
  void printRows(List<String> names) {
    for (String name : names) {
      printRow(name, median(name), mean(name), min(name));
    }
  }

  /** Prints {@code more} over {@code less} as ratios of their medians, means and minimums. */
  void printRatio(String label, String more, String less) {
    System.out.printf(
        "%-46s %9.2fx %9.2fx %9.2fx%n",
        label, median(more) / median(less), mean(more) / mean(less), min(more) / min(less));
  }

  /** Prints one aligned row of milliseconds. */
  static void printRow(String name, double median, double mean, double min) {
    System.out.printf("%-46s %10.1f %10.1f %10.1f%n", name, median, mean, min);
  }
}
