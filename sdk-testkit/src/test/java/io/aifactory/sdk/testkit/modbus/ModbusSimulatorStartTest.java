package io.aifactory.sdk.testkit.modbus;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.UnixOperatingSystemMXBean;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ModbusSimulatorStartTest {
  @Test
  void shouldNotLeakASocketPerFailedStartWhenThePortIsTaken() throws Exception {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    Assumptions.assumeTrue(os instanceof UnixOperatingSystemMXBean, "needs a count of open file descriptors");
    UnixOperatingSystemMXBean unix = (UnixOperatingSystemMXBean) os;
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      ModbusSimulator plc = ModbusSimulator.newBuilder()
          .unit(1, List.of(Tag.of("count", "input:7:int32", DataType.INT32)))
          .host("127.0.0.1")
          .port(taken.getLocalPort())
          .build();
      try {
        long before = unix.getOpenFileDescriptorCount();
        for (int i = 0; i < 100; i++) {
          assertThrows(IllegalStateException.class, plc::start);
        }
        long after = unix.getOpenFileDescriptorCount();
        assertTrue(after - before < 50, "open file descriptors grew from " + before + " to " + after);
      } finally {
        plc.close();
      }
    }
  }
}
