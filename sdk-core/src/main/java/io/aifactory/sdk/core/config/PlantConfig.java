package io.aifactory.sdk.core.config;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceDriver;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.ReconnectPolicy;
import io.aifactory.sdk.core.Tag;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Devices and their tags, read from JSON:
 *
 * <pre>{@code
 * {
 *   "devices": [
 *     {
 *       "name": "press-1",
 *       "uri": "modbus+tcp://10.0.0.5:502?unit=1",
 *       "options": { "requestTimeout": "1s", "reconnect": { "initialDelay": "250ms", "maxDelay": "10s" } },
 *       "tags": [
 *         { "name": "temperature", "address": "holding:100:float32:cdab", "type": "float32", "unit": "°C" }
 *       ]
 *     }
 *   ]
 * }
 * }</pre>
 *
 * <p>Loading either returns a fully checked configuration or throws a {@link ConfigurationException} whose
 * message starts with the path of the first mistake; tag addresses are checked by the driver of the device's
 * scheme, so that driver must be on the class path.
 */
public final class PlantConfig {
  static final String[] DEVICE_FIELDS = {"name", "uri", "options", "tags"};
  static final String[] TAG_FIELDS = {"name", "address", "type", "scale", "offset", "unit", "deadband"};

  private final List<DeviceConfig> devices;

  public PlantConfig(List<DeviceConfig> devices) {
    this.devices = List.copyOf(devices);
  }

  public static PlantConfig load(Path file) {
    return read(ConfigNode.read(file));
  }

  public static PlantConfig parse(String json) {
    return read(ConfigNode.parse(json, "configuration"));
  }

  /** Reads the {@code devices} array of {@code root}, which may have other top-level fields. */
  public static PlantConfig read(ConfigNode root) {
    List<DeviceConfig> devices = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (ConfigNode node : root.array("devices")) {
      DeviceConfig device = readDevice(node);
      String previous = seen.putIfAbsent(device.name(), node.path());
      if (previous != null) throw node.error("name", "duplicate device name '" + device.name() + "' (first at " + previous + ")");
      devices.add(device);
    }
    return new PlantConfig(devices);
  }

  /** Reads one device object, allowing {@code extraFields} besides the standard ones (for richer formats). */
  public static DeviceConfig readDevice(ConfigNode node, String... extraFields) {
    node.checkFields(concat(DEVICE_FIELDS, extraFields));
    String name = node.text("name");
    URI uri = node.convert("uri", PlantConfig::parseUri);
    DeviceDriver driver;
    try {
      driver = Devices.driver(uri.getScheme());
    } catch (ConfigurationException e) {
      throw node.error("uri", e.getMessage(), e);
    }
    DeviceOptions options = node.has("options") ? readOptions(node.object("options")) : DeviceOptions.defaults();
    List<Tag> tags = new ArrayList<>();
    Map<String, String> seen = new HashMap<>();
    for (ConfigNode tagNode : node.optionalArray("tags")) {
      Tag tag = readTag(tagNode, driver);
      String previous = seen.putIfAbsent(tag.name(), tagNode.path());
      if (previous != null) throw tagNode.error("name", "duplicate tag name '" + tag.name() + "' (first at " + previous + ")");
      tags.add(tag);
    }
    return new DeviceConfig(name, uri, options, tags);
  }

  /**
   * Reads one tag object and has {@code driver} check its address, allowing {@code extraFields} besides the
   * standard ones.
   */
  public static Tag readTag(ConfigNode node, DeviceDriver driver, String... extraFields) {
    node.checkFields(concat(TAG_FIELDS, extraFields));
    Tag tag;
    try {
      Tag.Builder b = Tag.newBuilder()
          .name(node.text("name"))
          .address(node.text("address"))
          .dataType(node.convert("type", DataType::parse))
          .unit(node.text("unit", ""));
      if (node.has("scale")) b.scale(node.number("scale"));
      if (node.has("offset")) b.offset(node.number("offset"));
      if (node.has("deadband")) b.deadband(node.number("deadband"));
      tag = b.build();
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
    try {
      driver.checkAddress(tag);
    } catch (AddressException e) {
      throw node.error("address", e.getMessage(), e);
    }
    return tag;
  }

  static DeviceOptions readOptions(ConfigNode node) {
    node.checkFields("connectTimeout", "requestTimeout", "reconnect", "properties");
    DeviceOptions.Builder b = DeviceOptions.newBuilder();
    DeviceOptions d = DeviceOptions.defaults();
    try {
      b.connectTimeout(node.duration("connectTimeout", d.connectTimeout()));
      // Only when given, so that a URI's own timeout is not refused as a second source (DeviceOptions).
      if (node.has("requestTimeout")) b.requestTimeout(node.duration("requestTimeout", d.requestTimeout()));
    } catch (IllegalArgumentException e) {
      throw node.error("", e.getMessage(), e);
    }
    if (node.has("reconnect")) {
      ConfigNode r = node.object("reconnect").checkFields("initialDelay", "maxDelay", "multiplier", "jitter");
      ReconnectPolicy p = ReconnectPolicy.defaults();
      try {
        b.reconnectPolicy(ReconnectPolicy.newBuilder()
            .initialDelay(r.duration("initialDelay", p.initialDelay()))
            .maxDelay(r.duration("maxDelay", p.maxDelay()))
            .multiplier(r.number("multiplier", p.multiplier()))
            .jitter(r.number("jitter", p.jitter()))
            .build());
      } catch (IllegalArgumentException e) {
        throw r.error("", e.getMessage(), e);
      }
    }
    if (node.has("properties")) {
      for (ConfigNode p : node.object("properties").fields()) b.property(p.name(), p.asText());
    }
    return b.build();
  }

  public List<DeviceConfig> devices() {
    return devices;
  }

  public Optional<DeviceConfig> device(String name) {
    return devices.stream().filter(d -> d.name().equals(name)).findFirst();
  }

  private static URI parseUri(String text) {
    try {
      URI uri = new URI(text);
      if (uri.getScheme() == null) throw new IllegalArgumentException("expected a URI with a scheme like modbus+tcp://host:502, found \"" + text + "\"");
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("malformed URI \"" + text + "\": " + e.getReason());
    }
  }

  private static String[] concat(String[] a, String[] b) {
    Set<String> all = new LinkedHashSet<>(List.of(a));
    all.addAll(List.of(b));
    return all.toArray(new String[0]);
  }
}
