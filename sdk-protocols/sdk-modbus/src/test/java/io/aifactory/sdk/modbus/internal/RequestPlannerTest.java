package io.aifactory.sdk.modbus.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.ModbusTable;
import io.aifactory.sdk.modbus.WordOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RequestPlannerTest {
  private final Holes holes = new Holes();

  @Test
  void shouldMergeNearbyTagsAndBridgeGapsUpToMaxGap() {
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 4),
        "holding:0", "holding:1:float32", "holding:7", "holding:20", "holding:12");
    // 0..2 and 7 bridged (gap 4), 12 bridged (gap 4), 20 not (gap 7)
    assertEquals(List.of("unit 1 holding:0 ×13 (4 tags)", "unit 1 holding:20 ×1 (1 tags)"), spans(plan));
    assertEquals(2, plan.requestCount());
  }

  @Test
  void shouldGroupByTableAndNeverMixThem() {
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 16),
        "holding:0", "input:1", "coil:0", "discrete:3", "coil:5", "input:2");
    assertEquals(List.of("unit 1 coil:0 ×6 (2 tags)", "unit 1 discrete:3 ×1 (1 tags)", "unit 1 input:1 ×2 (2 tags)",
        "unit 1 holding:0 ×1 (1 tags)"), spans(plan));
  }

  @Test
  void shouldRespectTheRegistersPerRequestLimit() {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 300; i++) addresses.add("holding:" + i);
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 0), addresses.toArray(new String[0]));
    assertEquals(List.of("unit 1 holding:0 ×125 (125 tags)", "unit 1 holding:125 ×125 (125 tags)",
        "unit 1 holding:250 ×50 (50 tags)"), spans(plan));
    ReadPlan small = plan(new RequestPlanner(10, 2000, 0), addresses.subList(0, 25).toArray(new String[0]));
    assertEquals(3, small.requestCount());
  }

  @Test
  void shouldCoalesce1000ScatteredTagsInto32Requests() {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < 1000; i++) addresses.add("holding:" + (i * 4));
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 16), addresses.toArray(new String[0]));
    assertEquals(32, plan.requestCount());
  }

  @Test
  void shouldReadATagLargerThanTheLimitAloneInSeveralRequests() {
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 16), "holding:0", "holding:1:float32[64]", "holding:130");
    assertEquals(List.of("unit 1 holding:0 ×1 (1 tags)", "unit 1 holding:1 ×128 (1 tags)", "unit 1 holding:130 ×1 (1 tags)"),
        spans(plan));
    assertEquals(4, plan.requestCount());
  }

  @Test
  void shouldSplitAnArrayLargerThanTheLimitOnlyBetweenItsElements() {
    ReadPlan floats = plan(new RequestPlanner(125, 2000, 16), "holding:300:float32[64]");
    assertEquals(124, floats.spans[0].chunk, "128 registers as 124 + 4, not 125 + 3 (which tears element 62)");
    assertEquals(2, floats.requestCount());
    ReadPlan doubles = plan(new RequestPlanner(10, 2000, 16), "holding:0:float64[4]");
    assertEquals(8, doubles.spans[0].chunk);
    ReadPlan narrow = plan(new RequestPlanner(2, 2000, 16), "holding:0:float64[3]");
    assertEquals(4, narrow.spans[0].chunk, "one element is never split, even past the limit");
    ReadPlan words = plan(new RequestPlanner(125, 2000, 16), "holding:0:uint16[200]");
    assertEquals(125, words.spans[0].chunk);
  }

  @Test
  void shouldPlanAroundKnownHoles() {
    holes.add(1, ModbusTable.HOLDING_REGISTER, 5, 6);
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 16), "holding:0", "holding:5", "holding:8", "holding:10");
    assertEquals(List.of("unit 1 holding:0 ×1 (1 tags)", "unit 1 holding:5 ×1 (1 tags)", "unit 1 holding:8 ×3 (2 tags)"),
        spans(plan));
    holes.add(1, ModbusTable.HOLDING_REGISTER, 9, 10);
    ReadPlan gapHole = plan(new RequestPlanner(125, 2000, 16), "holding:8", "holding:10");
    assertEquals(List.of("unit 1 holding:8 ×1 (1 tags)", "unit 1 holding:10 ×1 (1 tags)"), spans(gapHole));
  }

  @Test
  void shouldBridgeBitGapsSixteenTimesWider() {
    ReadPlan plan = plan(new RequestPlanner(125, 2000, 2), "coil:0", "coil:32", "coil:70");
    assertEquals(List.of("unit 1 coil:0 ×33 (2 tags)", "unit 1 coil:70 ×1 (1 tags)"), spans(plan));
  }

  private ReadPlan plan(RequestPlanner planner, String... addresses) {
    List<Tag> tags = new ArrayList<>();
    for (int i = 0; i < addresses.length; i++) {
      String a = addresses[i];
      DataType type = a.startsWith("coil") || a.startsWith("discrete") ? DataType.BOOL : DataType.UINT16;
      ModbusAddress parsed = ModbusAddress.parse(a);
      if (parsed.dataType() != null) type = parsed.dataType();
      tags.add(Tag.of("t" + i, a, type));
    }
    ModbusAddress[] parsed = tags.stream().map(ModbusAddress::of).toArray(ModbusAddress[]::new);
    WordOrder[] orders = new WordOrder[tags.size()];
    Arrays.fill(orders, WordOrder.ABCD);
    int[] units = new int[tags.size()];
    Arrays.fill(units, 1);
    return planner.plan(tags, parsed, orders, units, holes);
  }

  private static List<String> spans(ReadPlan plan) {
    return Arrays.stream(plan.spans()).map(Object::toString).collect(Collectors.toList());
  }
}
