package io.aifactory.sdk.sparkplug;

/** A snapshot of a {@link SparkplugEdgeNode}'s state and counters since it started. Immutable. */
public final class EdgeNodeMetrics {
  private final boolean online;
  private final boolean waitingForPrimaryHost;
  private final long sessions;
  private final long bdSeq;
  private final long messagesPublished;
  private final long recordsPending;
  private final long recordsDropped;
  private final long commandsRefused;

  EdgeNodeMetrics(boolean online, boolean waitingForPrimaryHost, long sessions, long bdSeq, long messagesPublished, long recordsPending,
      long recordsDropped, long commandsRefused) {
    this.online = online;
    this.waitingForPrimaryHost = waitingForPrimaryHost;
    this.sessions = sessions;
    this.bdSeq = bdSeq;
    this.messagesPublished = messagesPublished;
    this.recordsPending = recordsPending;
    this.recordsDropped = recordsDropped;
    this.commandsRefused = commandsRefused;
  }

  /** Returns true while the node is connected and born (NBIRTH sent). */
  public boolean online() {
    return online;
  }

  /**
   * Returns true while the node is connected but not born because its primary host is not online
   * ({@link SparkplugEdgeNode.Builder#primaryHostId}): DATA waits in the buffer.
   */
  public boolean waitingForPrimaryHost() {
    return waitingForPrimaryHost;
  }

  /** Returns the number of MQTT sessions that reached NBIRTH. */
  public long sessions() {
    return sessions;
  }

  /** Returns the bdSeq of the current or last session, or -1 before the first connection attempt. */
  public long bdSeq() {
    return bdSeq;
  }

  /** Returns the Sparkplug messages handed to the broker connection (births, data, deaths). */
  public long messagesPublished() {
    return messagesPublished;
  }

  /** Returns the DATA records accepted and not yet delivered: what the store-and-forward buffer holds. */
  public long recordsPending() {
    return recordsPending;
  }

  /**
   * Returns the DATA records lost: dropped by the buffer's bounds, refused by it (disk error), or unreadable
   * after a restart.
   */
  public long recordsDropped() {
    return recordsDropped;
  }

  /**
   * Returns the messages from hosts refused: command writes to metrics that are not writable, and commands or
   * primary host STATE messages that could not be read.
   */
  public long commandsRefused() {
    return commandsRefused;
  }

  @Override
  public String toString() {
    return "EdgeNodeMetrics{online=" + online + (waitingForPrimaryHost ? ", waitingForPrimaryHost" : "")
        + ", sessions=" + sessions + ", bdSeq=" + bdSeq + ", published="
        + messagesPublished + ", pending=" + recordsPending + ", dropped=" + recordsDropped + ", commandsRefused="
        + commandsRefused + "}";
  }
}
