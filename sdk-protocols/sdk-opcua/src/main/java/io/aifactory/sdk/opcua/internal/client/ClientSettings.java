package io.aifactory.sdk.opcua.internal.client;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.opcua.OpcUaProperties;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;

/** The OPC UA settings of one device, read from its URI and properties; the password stays in here. */
final class ClientSettings {
  /** Every key the driver reads; anything else is a typo or another driver's option, and is refused. */
  static final java.util.Set<String> KEYS = new java.util.TreeSet<>(java.util.Set.of(OpcUaProperties.PKI_DIR,
      OpcUaProperties.ALLOW_SECURITY_NONE, OpcUaProperties.TRUST_ON_FIRST_USE, OpcUaProperties.HOSTNAME_CHECK,
      OpcUaProperties.IDENTITY, OpcUaProperties.USERNAME, OpcUaProperties.PASSWORD, OpcUaProperties.APPLICATION_URI,
      OpcUaProperties.APPLICATION_NAME, OpcUaProperties.KEY_STORE_PASSWORD, OpcUaProperties.SESSION_TIMEOUT_MILLIS));

  final URI publicUri;
  final String endpointUrl;
  final String host;
  final int port;
  final Path pkiDir;
  final boolean allowSecurityNone;
  final boolean trustOnFirstUse;
  final boolean hostnameCheck;
  final UserTokenType identity;
  final String username;
  final String password;
  final String applicationUri;
  final String applicationName;
  final char[] keyStorePassword;
  final long sessionTimeoutMillis;

  private ClientSettings(URI uri, Map<String, String> p) {
    this.host = uri.getHost();
    this.port = uri.getPort() > 0 ? uri.getPort() : 4840;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    this.endpointUrl = "opc.tcp://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
    this.publicUri = URI.create(endpointUrl + publicQuery(uri));
    this.pkiDir = Path.of(p.getOrDefault(OpcUaProperties.PKI_DIR,
        Path.of(System.getProperty("user.home"), ".aifactory", "opcua", "pki").toString()));
    this.allowSecurityNone = bool(p, OpcUaProperties.ALLOW_SECURITY_NONE, false);
    this.trustOnFirstUse = bool(p, OpcUaProperties.TRUST_ON_FIRST_USE, false);
    this.hostnameCheck = bool(p, OpcUaProperties.HOSTNAME_CHECK, true);
    this.username = p.get(OpcUaProperties.USERNAME);
    this.password = p.get(OpcUaProperties.PASSWORD);
    String id = p.getOrDefault(OpcUaProperties.IDENTITY, username != null ? "username" : "anonymous").toLowerCase(Locale.ROOT);
    switch (id) {
      case "anonymous": identity = UserTokenType.Anonymous; break;
      case "username":
        identity = UserTokenType.UserName;
        if (username == null || password == null) {
          throw new ConfigurationException("OPC UA device " + publicUri + ": identity 'username' needs the properties "
              + OpcUaProperties.USERNAME + " and " + OpcUaProperties.PASSWORD);
        }
        break;
      case "certificate": identity = UserTokenType.Certificate; break;
      default:
        throw new ConfigurationException("OPC UA device " + publicUri + ": unknown identity '" + id
            + "' (expected anonymous, username or certificate)");
    }
    this.applicationUri = p.getOrDefault(OpcUaProperties.APPLICATION_URI, "urn:" + localHost() + ":aifactory:sdk");
    this.applicationName = p.getOrDefault(OpcUaProperties.APPLICATION_NAME, "AI Factory SDK");
    this.keyStorePassword = p.getOrDefault(OpcUaProperties.KEY_STORE_PASSWORD, "aifactory").toCharArray();
    try {
      this.sessionTimeoutMillis = Long.parseLong(p.getOrDefault(OpcUaProperties.SESSION_TIMEOUT_MILLIS, "60000"));
    } catch (NumberFormatException e) {
      throw new ConfigurationException("OPC UA device " + publicUri + ": " + OpcUaProperties.SESSION_TIMEOUT_MILLIS
          + " is not a number: " + p.get(OpcUaProperties.SESSION_TIMEOUT_MILLIS));
    }
  }

  static ClientSettings of(URI uri, DeviceOptions options) {
    if (uri.getHost() == null) {
      throw new ConfigurationException("OPC UA device URI has no host: " + strip(uri) + " (expected opc.tcp://host:4840)");
    }
    Map<String, String> p = new LinkedHashMap<>(query(uri));
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      p.put(OpcUaProperties.USERNAME, decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
      if (colon >= 0) p.put(OpcUaProperties.PASSWORD, decode(userInfo.substring(colon + 1)));
    }
    p.putAll(options.properties());
    for (String key : p.keySet()) {
      if (!KEYS.contains(key)) {
        throw new ConfigurationException("OPC UA device " + strip(uri) + ": unknown option '" + key
            + "' (expected one of " + KEYS + ")");
      }
    }
    return new ClientSettings(uri, p);
  }

  private static boolean bool(Map<String, String> p, String key, boolean def) {
    String v = p.get(key);
    if (v == null) return def;
    if (v.equalsIgnoreCase("true")) return true;
    if (v.equalsIgnoreCase("false")) return false;
    throw new ConfigurationException("OPC UA property " + key + " is neither true nor false: " + v);
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> q = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) return q;
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      if (eq < 0) q.put(decode(pair), "true");
      else q.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
    }
    return q;
  }

  /** Returns the query without the password, so that the public URI never carries it. */
  private static String publicQuery(URI uri) {
    String raw = uri.getRawQuery();
    if (raw == null || raw.isEmpty()) return "";
    StringBuilder s = new StringBuilder();
    for (String pair : raw.split("&")) {
      String key = decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
      if (key.equals(OpcUaProperties.PASSWORD) || key.equals(OpcUaProperties.KEY_STORE_PASSWORD)) continue;
      s.append(s.length() == 0 ? "?" : "&").append(pair);
    }
    return s.toString();
  }

  /** Returns a URI without user info, for messages about a URI that could not be parsed further. */
  static String strip(URI uri) {
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
    } catch (URISyntaxException e) {
      return uri.getScheme() + "://" + uri.getHost();
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  static String localHost() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }
}
