package io.aifactory.sdk.opcua.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.aifactory.sdk.core.Quality;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.junit.jupiter.api.Test;

class StatusMappingTest {
  @Test
  void shouldMapGoodToGoodAndKeepInfoBits() {
    assertSame(Quality.GOOD, StatusMapping.quality(StatusCode.GOOD));
    Quality overflow = StatusMapping.quality(StatusCode.GOOD.withOverflow());
    assertEquals(Quality.Status.GOOD, overflow.status());
    assertEquals(StatusCode.GOOD.withOverflow().getValue(), overflow.rawStatus());
  }

  @Test
  void shouldMapBadCodesToReasonsAndKeepTheRawCode() {
    assertBad(StatusCodes.Bad_NodeIdUnknown, Quality.Reason.CONFIG_ERROR, "Bad_NodeIdUnknown");
    assertBad(StatusCodes.Bad_Timeout, Quality.Reason.TIMEOUT, "Bad_Timeout");
    assertBad(StatusCodes.Bad_NotConnected, Quality.Reason.DISCONNECTED, "Bad_NotConnected");
    assertBad(StatusCodes.Bad_OutOfRange, Quality.Reason.OUT_OF_RANGE, "Bad_OutOfRange");
    assertBad(StatusCodes.Bad_DecodingError, Quality.Reason.PROTOCOL_ERROR, "Bad_DecodingError");
    assertBad(StatusCodes.Bad_SensorFailure, Quality.Reason.DEVICE_ERROR, "Bad_SensorFailure");
  }

  @Test
  void shouldMapUncertainToUncertain() {
    Quality q = StatusMapping.quality(new StatusCode(StatusCodes.Uncertain_LastUsableValue));
    assertEquals(Quality.Status.UNCERTAIN, q.status());
    assertEquals(Quality.Reason.DEVICE_FLAGGED, q.reason());
    assertEquals(StatusCodes.Uncertain_LastUsableValue, q.rawStatus());
    assertEquals(Quality.Reason.OUT_OF_RANGE,
        StatusMapping.quality(new StatusCode(StatusCodes.Uncertain_EngineeringUnitsExceeded)).reason());
  }

  private static void assertBad(long code, Quality.Reason reason, String name) {
    Quality q = StatusMapping.quality(new StatusCode(code));
    assertEquals(Quality.Status.BAD, q.status());
    assertEquals(reason, q.reason());
    assertEquals(code, q.rawStatus());
    assertEquals(name, q.detail());
  }
}
