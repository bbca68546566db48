package io.medalla.extensions;

import io.medalla.api.Source;

/**
 * A topic's messages, landed as JSON-lines files below {@code <landing>/<folder>}, each message
 * with the offset its producer gave it: {@code {"offset": 7, "payload": "..."}}.
 */
public record MessageLog(String folder) implements Source {
  @Override
  public String describe() {
    return "log:" + folder;
  }
}
