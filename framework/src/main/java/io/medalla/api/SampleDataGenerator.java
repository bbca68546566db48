package io.medalla.api;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Writes a domain's deterministic sample landing files for {@code medalla demo}. Domain modules
 * list implementations in {@code META-INF/services/io.medalla.api.SampleDataGenerator}.
 */
public interface SampleDataGenerator {
  /** The domain the data belongs to. */
  String domain();

  /**
   * Writes the landing files of {@code days} consecutive logical dates from {@code firstDate},
   * replacing earlier files of those dates. The same arguments always give the same bytes.
   *
   * @param landingRoot the landing root; files go to the folders the domain's sources read
   * @param scale 1 for about 1,000 users; data grows linearly with it
   * @param seed the random seed
   * @return the number of records written
   */
  long generate(Path landingRoot, LocalDate firstDate, int days, int scale, long seed)
      throws IOException;
}
