package io.medalla.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The warehouse of the two-day demo that {@link TestDemo} builds, kept for the later test JVMs of
 * the same Maven invocation (StandaloneClusterIT compares the cluster's demo with it instead of
 * running the demo locally again). Its folder, {@code -Dmedalla.demo.reference}, is named after the
 * build's start, so a warehouse is never reused by another build; it counts only once TestDemo
 * marked it complete, after asserting that a second demo left its tables' contents unchanged.
 */
public final class DemoReference {
  private static final String PROPERTY = "medalla.demo.reference";
  private static final String COMPLETE = "COMPLETE";

  private DemoReference() {}

  /** Where TestDemo builds its demo warehouse: the reference folder, when configured. */
  static Optional<Path> folder() {
    return Optional.ofNullable(System.getProperty(PROPERTY)).map(Path::of);
  }

  /** Marks the warehouse in {@code folder} as the demo's reference. */
  static void complete(Path folder) {
    try {
      Files.writeString(folder.resolve(COMPLETE), "");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot mark the demo reference " + folder, e);
    }
  }

  /** The reference demo warehouse of this build, if TestDemo completed it. */
  public static Optional<Path> warehouse() {
    return folder()
        .filter(folder -> Files.exists(folder.resolve(COMPLETE)))
        .map(folder -> folder.resolve("warehouse"));
  }
}
