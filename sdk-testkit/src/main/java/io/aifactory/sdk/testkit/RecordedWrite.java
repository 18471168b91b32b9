package io.aifactory.sdk.testkit;

import java.time.Instant;
import java.util.Objects;

/** A write a client made to a simulated server, as the server applied it (engineering units). */
public final class RecordedWrite {
  private final String tagName;
  private final Object value;
  private final Instant time;

  public RecordedWrite(String tagName, Object value, Instant time) {
    this.tagName = Objects.requireNonNull(tagName, "tagName");
    this.value = Objects.requireNonNull(value, "value");
    this.time = Objects.requireNonNull(time, "time");
  }

  public String tagName() {
    return tagName;
  }

  public Object value() {
    return value;
  }

  public Instant time() {
    return time;
  }

  @Override
  public String toString() {
    return tagName + "=" + value + " @" + time;
  }
}
