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
