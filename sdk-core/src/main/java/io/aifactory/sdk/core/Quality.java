package io.aifactory.sdk.core;

import java.util.Objects;

/**
 * How far a value can be trusted: GOOD, UNCERTAIN or BAD, with the reason and the device's own status.
 *
 * <p>A failed read is a BAD sample with a reason, never a missing sample and never a stale value passed off
 * as fresh. {@link #rawStatus()} keeps the protocol's code (an OPC UA StatusCode, a Modbus exception code) so
 * nothing the device said is lost in translation.
 */
public final class Quality {
  /** The three levels every protocol maps onto. */
  public enum Status { GOOD, UNCERTAIN, BAD }

  /** Why a value is not GOOD. */
  public enum Reason {
    /** Nothing is wrong. */
    NONE,
    /** The device did not answer within the request timeout. */
    TIMEOUT,
    /** There was no connection to the device when the value was due. */
    DISCONNECTED,
    /** The device answered with an error of its own; {@link #rawStatus()} holds its code. */
    DEVICE_ERROR,
    /** The device's reply broke the protocol (malformed, mismatched). */
    PROTOCOL_ERROR,
    /** The value is outside the range the device or the tag allows. */
    OUT_OF_RANGE,
    /** The tag is misconfigured for this device (wrong address, wrong type). */
    CONFIG_ERROR,
    /** The device flagged the value itself without a more specific reason. */
    DEVICE_FLAGGED,
    /** The value is derived (a model's output) and the model failed to produce it. */
    MODEL_ERROR,
    /** The value is derived from inputs that were missing for longer than the consumer's policy allows. */
    STALE_INPUT
  }

  /** A good value with no device status. */
  public static final Quality GOOD = new Quality(Status.GOOD, Reason.NONE, 0, "");

  private final Status status;
  private final Reason reason;
  private final long rawStatus;
  private final String detail;

  private Quality(Status status, Reason reason, long rawStatus, String detail) {
    this.status = status;
    this.reason = reason;
    this.rawStatus = rawStatus;
    this.detail = detail;
  }

  /** Returns a quality of any level; prefer the named factories. */
  public static Quality of(Status status, Reason reason, long rawStatus, String detail) {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
    if (status == Status.GOOD && reason == Reason.NONE && rawStatus == 0 && detail.isEmpty()) return GOOD;
    return new Quality(status, reason, rawStatus, detail);
  }

  public static Quality bad(Reason reason, String detail) {
    return of(Status.BAD, reason, 0, detail);
  }

  public static Quality bad(Reason reason, long rawStatus, String detail) {
    return of(Status.BAD, reason, rawStatus, detail);
  }

  public static Quality uncertain(Reason reason, long rawStatus, String detail) {
    return of(Status.UNCERTAIN, reason, rawStatus, detail);
  }

  public Status status() {
    return status;
  }

  public Reason reason() {
    return reason;
  }

  /** Returns the device's own status code, or 0 where the protocol gave none. */
  public long rawStatus() {
    return rawStatus;
  }

  /** Returns a human-readable explanation, empty for GOOD. */
  public String detail() {
    return detail;
  }

  public boolean isGood() {
    return status == Status.GOOD;
  }

  public boolean isBad() {
    return status == Status.BAD;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Quality)) return false;
    Quality q = (Quality) o;
    return q.status == status && q.reason == reason && q.rawStatus == rawStatus && q.detail.equals(detail);
  }

  @Override
  public int hashCode() {
    return Objects.hash(status, reason, rawStatus, detail);
  }

  @Override
  public String toString() {
    if (this == GOOD) return "GOOD";
    StringBuilder s = new StringBuilder().append(status).append('(').append(reason);
    if (rawStatus != 0) s.append(", raw=0x").append(Long.toHexString(rawStatus));
    if (!detail.isEmpty()) s.append(", ").append(detail);
    return s.append(')').toString();
  }
}
