package io.aifactory.sdk.modbus.internal;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.modbus.WordOrder;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** A Modbus device's settings, from the URI's query and {@link DeviceOptions#properties()} (which win). */
public final class ModbusSettings {
  static final Set<String> KEYS = new TreeSet<>(Set.of("unit", "timeout", "maxRegisters", "maxBits", "maxGap",
      "wordOrder", "verifyWrites", "writeFunction", "pipeline", "baud", "parity", "stop", "data"));

  public enum Framing { TCP, RTU_OVER_TCP, SERIAL_RTU }

  final URI uri;
  final Framing framing;
  final String host;
  final int port;
  final String serialPort;
  final int unit;
  final Duration requestTimeout;
  final Duration connectTimeout;
  final int maxRegisters;
  final int maxBits;
  final int maxGap;
  final WordOrder wordOrder;
  final boolean verifyWrites;
  /** writeFunction=fc16: every register write uses FC16 (write multiple registers), and bits of registers read-modify-write. */
  final boolean fc16Writes;
  final int pipeline;
  final int baud;
  final String parity;
  final int stopBits;
  final int dataBits;

  private ModbusSettings(URI uri, DeviceOptions options) {
    this.uri = uri;
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    switch (scheme) {
      case "modbus+tcp": framing = Framing.TCP; break;
      case "modbus+rtu+tcp": framing = Framing.RTU_OVER_TCP; break;
      case "modbus+rtu": framing = Framing.SERIAL_RTU; break;
      default: throw new ConfigurationException("'" + uri + "': scheme is not modbus+tcp, modbus+rtu+tcp or modbus+rtu");
    }
    Map<String, String> p = new LinkedHashMap<>(query(uri));
    p.putAll(options.properties());
    for (String key : p.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigurationException("'" + uri + "': unknown Modbus option '" + key + "' (expected one of " + KEYS + ")");
      }
    }
    if (framing == Framing.SERIAL_RTU) {
      String path = uri.getPath() == null ? "" : uri.getPath();
      // modbus+rtu:///COM3 names a Windows port, which has no leading slash.
      serialPort = path.matches("/COM\\d+") ? path.substring(1) : path;
      if (serialPort.isEmpty() || serialPort.equals("/")) {
        throw new ConfigurationException("'" + uri + "': no serial port (expected e.g. modbus+rtu:///dev/ttyUSB0?baud=19200)");
      }
      host = "";
      port = 0;
    } else {
      host = uri.getHost();
      if (host == null || host.isEmpty()) throw new ConfigurationException("'" + uri + "': no host (expected e.g. " + scheme + "://10.0.0.5:502)");
      port = uri.getPort() < 0 ? 502 : uri.getPort();
      serialPort = "";
    }
    unit = integer(p, "unit", 1, 0, 255);
    requestTimeout = requestTimeout(p, options);
    connectTimeout = options.connectTimeout();
    maxRegisters = integer(p, "maxRegisters", 125, 1, 125);
    maxBits = integer(p, "maxBits", 2000, 1, 2000);
    // A round trip costs far more than the bytes of a bridged gap; a gap the device refuses is learnt as a hole.
    maxGap = integer(p, "maxGap", 64, 0, 124);
    try {
      wordOrder = WordOrder.parse(p.getOrDefault("wordOrder", "abcd"));
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException("'" + uri + "': wordOrder: " + e.getMessage());
    }
    String verify = p.getOrDefault("verifyWrites", "false");
    if (!verify.equals("true") && !verify.equals("false")) {
      throw new ConfigurationException("'" + uri + "': verifyWrites is '" + verify + "' (expected true or false)");
    }
    verifyWrites = verify.equals("true");
    String writeFunction = p.getOrDefault("writeFunction", "auto");
    if (!writeFunction.equals("auto") && !writeFunction.equals("fc16")) {
      throw new ConfigurationException("'" + uri + "': writeFunction is '" + writeFunction + "' (expected auto or fc16)");
    }
    fc16Writes = writeFunction.equals("fc16");
    pipeline = integer(p, "pipeline", 1, 1, 64);
    baud = integer(p, "baud", 9600, 1, 4_000_000);
    parity = p.getOrDefault("parity", "none");
    if (!Set.of("none", "even", "odd").contains(parity)) {
      throw new ConfigurationException("'" + uri + "': parity is '" + parity + "' (expected none, even or odd)");
    }
    stopBits = integer(p, "stop", 1, 1, 2);
    dataBits = integer(p, "data", 8, 7, 8);
  }

  /**
   * Returns the request timeout from {@code timeout} (URI or property) or {@link DeviceOptions#requestTimeout()}: two
   * sources for one setting are refused when they disagree, so neither silently overrides the other.
   */
  private Duration requestTimeout(Map<String, String> p, DeviceOptions options) {
    if (!p.containsKey("timeout")) return options.requestTimeout();
    Duration t = Duration.ofMillis(integer(p, "timeout", 0, 1, Integer.MAX_VALUE));
    if (options.isRequestTimeoutSet() && !t.equals(options.requestTimeout())) {
      throw new ConfigurationException("'" + uri + "': timeout=" + t.toMillis() + " disagrees with DeviceOptions"
          + ".requestTimeout of " + options.requestTimeout().toMillis() + " ms; set only one of them");
    }
    return t;
  }

  /**
   * Parses the URI and options.
   *
   * @throws ConfigurationException naming the URI and the option that is wrong
   */
  public static ModbusSettings of(URI uri, DeviceOptions options) {
    return new ModbusSettings(uri, options);
  }

  public int unit() {
    return unit;
  }

  public Framing framing() {
    return framing;
  }

  public WordOrder wordOrder() {
    return wordOrder;
  }

  public RequestPlanner planner() {
    return new RequestPlanner(maxRegisters, maxBits, maxGap);
  }

  private int integer(Map<String, String> p, String key, int defaultValue, int min, int max) {
    String v = p.get(key);
    if (v == null) return defaultValue;
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) throw new ConfigurationException("'" + uri + "': " + key + "=" + n + " is not in " + min + ".." + max);
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigurationException("'" + uri + "': " + key + "='" + v + "' is not a whole number");
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> m = new LinkedHashMap<>();
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) return m;
    for (String pair : q.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      m.put(k, v);
    }
    return m;
  }
}
