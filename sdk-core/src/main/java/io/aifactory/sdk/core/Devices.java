package io.aifactory.sdk.core;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import java.util.TreeSet;

/**
 * Opens devices by URI through the {@link DeviceDriver}s on the class path, found by scheme:
 * {@code modbus+tcp://host:502?unit=1}, {@code opc.tcp://host:4840}.
 *
 * <p>Drivers are looked up on each call (no global cache), through the thread's context class loader if it has
 * one, so that application servers and tests that add drivers see them.
 */
public final class Devices {
  private Devices() {}

  /** Opens a device with {@link DeviceOptions#defaults()}. */
  public static Device open(String uri) {
    return open(uri, DeviceOptions.defaults());
  }

  /**
   * Opens a device; it connects in the background.
   *
   * @throws ConfigurationException if the URI is malformed or no installed driver has its scheme (the message
   *     lists the installed schemes)
   */
  public static Device open(String uri, DeviceOptions options) {
    return open(parse(uri), options);
  }

  public static Device open(URI uri, DeviceOptions options) {
    return driver(uri.getScheme()).open(uri, options);
  }

  /**
   * Returns the driver for {@code scheme}.
   *
   * @throws ConfigurationException naming the scheme and listing the installed ones
   */
  public static DeviceDriver driver(String scheme) {
    if (scheme == null) throw new ConfigurationException("device URI has no scheme (installed schemes: " + installedSchemes() + ")");
    String wanted = scheme.toLowerCase(Locale.ROOT);
    for (DeviceDriver driver : drivers()) {
      if (driver.schemes().contains(wanted)) return driver;
    }
    throw new ConfigurationException("no device driver for scheme '" + scheme + "' (installed schemes: " + installedSchemes()
        + "; add the driver's artifact, e.g. aifactory-sdk-modbus or aifactory-sdk-opcua, to the class path)");
  }

  /** Returns the schemes of every installed driver, sorted. */
  public static List<String> installedSchemes() {
    TreeSet<String> schemes = new TreeSet<>();
    for (DeviceDriver driver : drivers()) schemes.addAll(driver.schemes());
    return new ArrayList<>(schemes);
  }

  static URI parse(String uri) {
    try {
      return new URI(uri);
    } catch (URISyntaxException e) {
      // The text may carry a password (opc.tcp://user:secret@host); the parser's own message repeats the whole
      // text, so it is not kept as the cause.
      throw new ConfigurationException("", "malformed device URI '" + redact(uri) + "': " + e.getReason()
          + " at index " + e.getIndex(), null);
    }
  }

  /**
   * Returns the URI text with its user info and the value of every query parameter whose name mentions a password,
   * secret or key replaced by {@code ***}: drivers take credentials in either place.
   */
  static String redact(String uri) {
    return uri.replaceAll("(?<=//)[^/?#]*@", "***@")
        .replaceAll("(?i)([?&][^=&#]*(?:password|secret|key)[^=&#]*=)[^&#]*", "$1***");
  }

  private static Iterable<DeviceDriver> drivers() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return ServiceLoader.load(DeviceDriver.class, loader != null ? loader : Devices.class.getClassLoader());
  }
}
