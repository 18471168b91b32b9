package io.aifactory.sdk.core.record;

/**
 * A snapshot of a {@link Recorder}'s counters. Every record offered to the recorder ends up in exactly one of
 * {@link #refused()}, {@link #recorded()}, {@link #lost()}, or is still {@link #queued()}: nothing disappears without
 * being counted. Immutable.
 */
public final class RecorderMetrics {
  private final String recorder;
  private final long accepted;
  private final long refused;
  private final long recorded;
  private final long queued;
  private final long lost;
  private final long writeErrors;
  private final long filesCompleted;
  private final long filesDeleted;

  RecorderMetrics(String recorder, long accepted, long refused, long recorded, long queued, long lost,
      long writeErrors, long filesCompleted, long filesDeleted) {
    this.recorder = recorder;
    this.accepted = accepted;
    this.refused = refused;
    this.recorded = recorded;
    this.queued = queued;
    this.lost = lost;
    this.writeErrors = writeErrors;
    this.filesCompleted = filesCompleted;
    this.filesDeleted = filesDeleted;
  }

  /** Returns the recorder's name. */
  public String recorder() {
    return recorder;
  }

  /** Returns the number of records taken into the queue. */
  public long accepted() {
    return accepted;
  }

  /** Returns the number of records turned away because the queue was full or the recorder closed. */
  public long refused() {
    return refused;
  }

  /** Returns the number of records written to a file (the file may not be complete yet). */
  public long recorded() {
    return recorded;
  }

  /** Returns the number of accepted records not written yet: in the queue, or waiting for the disk. */
  public long queued() {
    return queued;
  }

  /**
   * Returns the number of accepted records never written: {@code close()} gave up on a disk that still failed, or
   * (a bug, logged) a record could not be serialised.
   */
  public long lost() {
    return lost;
  }

  /** Returns the number of failed disk operations (each retry counts): a growing number means an outage. */
  public long writeErrors() {
    return writeErrors;
  }

  /** Returns the number of files completed (renamed from {@code .part}) since the recorder started. */
  public long filesCompleted() {
    return filesCompleted;
  }

  /** Returns the number of completed files deleted to honour retention. */
  public long filesDeleted() {
    return filesDeleted;
  }

  @Override
  public String toString() {
    return "RecorderMetrics{recorder=" + recorder + ", accepted=" + accepted + ", refused=" + refused + ", recorded="
        + recorded + ", queued=" + queued + ", lost=" + lost + ", writeErrors=" + writeErrors + ", filesCompleted="
        + filesCompleted + ", filesDeleted=" + filesDeleted + "}";
  }
}
