package io.aifactory.sdk.sparkplug;

import java.util.Objects;

/** Checks the ids that become topic levels: group, edge node and device ids. */
final class SparkplugIds {
  private SparkplugIds() {}

  /** Returns {@code id} if it can be one MQTT topic level, as Sparkplug requires. */
  static String check(String what, String id) {
    Objects.requireNonNull(id, what);
    if (id.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c == '/' || c == '+' || c == '#') {
        throw new IllegalArgumentException(what + " '" + id + "' contains '" + c + "' (reserved in MQTT topics)");
      }
    }
    return id;
  }
}
