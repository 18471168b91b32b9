package io.aifactory.sdk.opcua.internal;

import io.aifactory.sdk.core.Quality;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/** Maps OPC UA StatusCodes onto {@link Quality}, keeping the raw code and its name. */
public final class StatusMapping {
  private StatusMapping() {}

  /** Returns the quality of a value with this status; the raw code (with its info bits) is kept. */
  public static Quality quality(StatusCode status) {
    long raw = status.getValue();
    if (status.isGood()) return raw == 0 ? Quality.GOOD : Quality.of(Quality.Status.GOOD, Quality.Reason.NONE, raw, "");
    String name = name(raw);
    if (status.isUncertain()) {
      long code = raw & 0xFFFF0000L;
      Quality.Reason reason = code == StatusCodes.Uncertain_EngineeringUnitsExceeded
          || code == StatusCodes.Uncertain_SensorCalibration ? Quality.Reason.OUT_OF_RANGE : Quality.Reason.DEVICE_FLAGGED;
      return Quality.uncertain(reason, raw, name);
    }
    return Quality.bad(reason(raw), raw, name);
  }

  /**
   * Returns the StatusCode to publish for a quality: its raw code when that is an OPC UA code of the same severity
   * (a status read from an OPC UA device passes through unchanged), otherwise the code that fits its reason. A
   * Modbus exception code in {@code rawStatus} is never mistaken for an OPC UA one, because its severity bits
   * (GOOD) would not match a BAD or UNCERTAIN quality.
   */
  public static StatusCode statusCode(Quality quality) {
    long raw = quality.rawStatus();
    long severity = raw & 0xC0000000L;
    switch (quality.status()) {
      case GOOD:
        return raw != 0 && severity == 0 ? new StatusCode(raw) : StatusCode.GOOD;
      case UNCERTAIN:
        if (severity == 0x40000000L) return new StatusCode(raw);
        switch (quality.reason()) {
          case STALE_INPUT: return new StatusCode(StatusCodes.Uncertain_LastUsableValue);
          case DISCONNECTED:
          case TIMEOUT: return new StatusCode(StatusCodes.Uncertain_NoCommunicationLastUsableValue);
          case OUT_OF_RANGE: return new StatusCode(StatusCodes.Uncertain_EngineeringUnitsExceeded);
          default: return StatusCode.UNCERTAIN;
        }
      default:
        if (severity == 0x80000000L) return new StatusCode(raw);
        switch (quality.reason()) {
          case TIMEOUT: return new StatusCode(StatusCodes.Bad_Timeout);
          case DISCONNECTED:
          case STALE_INPUT: return new StatusCode(StatusCodes.Bad_NoCommunication);
          case DEVICE_ERROR: return new StatusCode(StatusCodes.Bad_DeviceFailure);
          case PROTOCOL_ERROR: return new StatusCode(StatusCodes.Bad_CommunicationError);
          case OUT_OF_RANGE: return new StatusCode(StatusCodes.Bad_OutOfRange);
          case CONFIG_ERROR: return new StatusCode(StatusCodes.Bad_ConfigurationError);
          // A model that failed or returned NaN has no closer OPC UA code than plain Bad.
          default: return StatusCode.BAD;
        }
    }
  }

  /** Returns the reason for a bad status. */
  public static Quality.Reason reason(long raw) {
    long code = raw & 0xFFFF0000L;
    if (code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout) return Quality.Reason.TIMEOUT;
    if (code == StatusCodes.Bad_NotConnected || code == StatusCodes.Bad_NoCommunication
        || code == StatusCodes.Bad_ConnectionClosed || code == StatusCodes.Bad_ServerNotConnected
        || code == StatusCodes.Bad_SessionClosed || code == StatusCodes.Bad_SessionIdInvalid
        || code == StatusCodes.Bad_SecureChannelClosed || code == StatusCodes.Bad_CommunicationError
        || code == StatusCodes.Bad_ServerHalted || code == StatusCodes.Bad_Shutdown) {
      return Quality.Reason.DISCONNECTED;
    }
    if (code == StatusCodes.Bad_NodeIdUnknown || code == StatusCodes.Bad_NodeIdInvalid
        || code == StatusCodes.Bad_AttributeIdInvalid || code == StatusCodes.Bad_TypeMismatch
        || code == StatusCodes.Bad_NotReadable || code == StatusCodes.Bad_NotWritable
        || code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_IndexRangeInvalid
        || code == StatusCodes.Bad_MonitoredItemFilterUnsupported || code == StatusCodes.Bad_FilterNotAllowed
        || code == StatusCodes.Bad_DeadbandFilterInvalid) {
      return Quality.Reason.CONFIG_ERROR;
    }
    if (code == StatusCodes.Bad_OutOfRange) return Quality.Reason.OUT_OF_RANGE;
    if (code == StatusCodes.Bad_DecodingError || code == StatusCodes.Bad_EncodingError
        || code == StatusCodes.Bad_EncodingLimitsExceeded || code == StatusCodes.Bad_UnknownResponse
        || code == StatusCodes.Bad_ProtocolVersionUnsupported) {
      return Quality.Reason.PROTOCOL_ERROR;
    }
    return Quality.Reason.DEVICE_ERROR;
  }

  /** Returns the symbolic name of a status code, e.g. {@code Bad_NodeIdUnknown}, or its hex value. */
  public static String name(long raw) {
    return StatusCodes.lookup(raw).map(a -> a[0])
        .orElseGet(() -> StatusCodes.lookup(raw & 0xFFFF0000L).map(a -> a[0]).orElse("0x" + Long.toHexString(raw)));
  }
}
