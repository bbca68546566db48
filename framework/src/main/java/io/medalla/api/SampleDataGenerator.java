package io.medalla.api;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * Provides a domain's deterministic sample data for {@code medalla demo}: landing files, and
 * operational databases the domain's JDBC sources read. Domain modules list implementations in
 * {@code META-INF/services/io.medalla.api.SampleDataGenerator}.
 */
public interface SampleDataGenerator {
  /**
   * What to generate.
   *
   * @param landingRoot the landing root; files go to the folders the domain's sources read
   * @param firstDate the first logical date
   * @param days how many consecutive dates
   * @param scale 1 for about 1,000 users; data grows linearly with it
   * @param seed the random seed; the same request always gives the same data
   * @param configuredConnections connection names already configured, which the generator must not
   *     replace with a database of its own
   */
  record Request(
      Path landingRoot,
      LocalDate firstDate,
      int days,
      int scale,
      long seed,
      Set<String> configuredConnections) {
    public Request {
      requireNonNull(landingRoot, "landingRoot is null");
      requireNonNull(firstDate, "firstDate is null");
      configuredConnections = Set.copyOf(configuredConnections);
    }
  }

  /**
   * What was generated.
   *
   * @param records how many records were written
   * @param settings {@code medalla.*} settings the demo must apply, e.g. the {@code file:} secret
   *     references of a database the generator started
   */
  record Generated(long records, Map<String, String> settings) {
    public Generated {
      settings = Map.copyOf(settings);
    }
  }

  /** The domain the data belongs to. */
  String domain();

  /** Writes the landing files of every date, replacing earlier files of those dates. */
  Generated generate(Request request) throws IOException;

  /**
   * Brings the domain's databases to their state at the end of {@code date}; the demo calls it
   * before that date's bronze runs, so extractions see each day's changes.
   */
  default void advanceTo(LocalDate date) {}
}
