package io.aifactory.sdk.testkit.scenario.internal;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.modbus.ModbusAddress;
import io.aifactory.sdk.modbus.WordOrder;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.modbus.ModbusSimulator;
import io.aifactory.sdk.testkit.scenario.ScenarioDevice;
import io.aifactory.sdk.testkit.scenario.ScenarioTag;
import io.aifactory.sdk.testkit.scenario.SimulatorFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kind {@code modbus}: a {@link ModbusSimulator} with one unit holding the device's tags. Options: {@code unitId}
 * (0..255, default 1), {@code wordOrder} for addresses that name none (abcd, cdab, badc, dcba; default abcd) and
 * {@code rtuOverTcp} (true: RTU framing over TCP; default false) and {@code bindAddress} (default 127.0.0.1).
 */
public final class ModbusSimulatorFactory implements SimulatorFactory {
  @Override
  public String kind() {
    return "modbus";
  }

  @Override
  public void checkAddress(Tag tag) {
    ModbusAddress a = ModbusAddress.of(tag);
    if (a.dataType() == null) throw new AddressException("tag '" + tag.name() + "': no data type");
  }

  @Override
  public void checkOptions(Map<String, String> options) {
    for (Map.Entry<String, String> e : options.entrySet()) {
      switch (e.getKey()) {
        case "unitId":
          unitId(e.getValue());
          break;
        case "wordOrder":
          WordOrder.parse(e.getValue());
          break;
        case "rtuOverTcp":
          bool("rtuOverTcp", e.getValue());
          break;
        case "bindAddress":
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + e.getKey() + "' (expected bindAddress, rtuOverTcp, unitId, wordOrder)");
      }
    }
  }

  @Override
  public SimulatedServer start(ScenarioDevice device, int port, Path workDirectory) {
    Map<String, String> o = device.options();
    List<Tag> tags = new ArrayList<>();
    for (ScenarioTag t : device.tags()) tags.add(t.tag());
    ModbusSimulator simulator = ModbusSimulator.newBuilder()
        .unit(unitId(o.getOrDefault("unitId", "1")), tags)
        .wordOrder(WordOrder.parse(o.getOrDefault("wordOrder", "abcd")))
        .rtuOverTcp(bool("rtuOverTcp", o.getOrDefault("rtuOverTcp", "false")))
        .host(o.getOrDefault("bindAddress", "127.0.0.1"))
        .port(port)
        .build();
    try {
      simulator.start();
    } catch (RuntimeException e) {
      simulator.close();
      throw new IllegalStateException("device '" + device.name() + "': cannot start the Modbus simulator on port " + port + ": " + e.getMessage(), e);
    }
    return simulator;
  }

  private static int unitId(String text) {
    try {
      int id = Integer.parseInt(text.trim());
      if (id < 0 || id > 255) throw new NumberFormatException();
      return id;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("unitId: expected 0..255, found '" + text + "'");
    }
  }

  private static boolean bool(String name, String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(name + ": expected true or false, found '" + text + "'");
    }
  }
}
