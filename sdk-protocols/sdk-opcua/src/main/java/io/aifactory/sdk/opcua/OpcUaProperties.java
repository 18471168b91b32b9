package io.aifactory.sdk.opcua;

/**
 * The OPC UA settings of a device, given as {@link io.aifactory.sdk.core.DeviceOptions} properties or in the URI's
 * query ({@code opc.tcp://plc:4840?allowSecurityNone=true}); a property set in the options wins over the URI. The
 * constants here are all the keys there are: any other key is refused with a
 * {@link io.aifactory.sdk.core.ConfigurationException} naming it.
 *
 * <pre>{@code
 * DeviceOptions options = DeviceOptions.newBuilder()
 *     .property(OpcUaProperties.PKI_DIR, "/var/lib/acme/pki")
 *     .property(OpcUaProperties.USERNAME, "operator")
 *     .property(OpcUaProperties.PASSWORD, secretFromVault)
 *     .build();
 * try (Device plc = Devices.open("opc.tcp://plc.example:4840", options)) { ... }
 * }</pre>
 */
public final class OpcUaProperties {
  private OpcUaProperties() {}

  /**
   * The PKI folder: {@code own/} (this client's certificate, created on first use), {@code trusted/certs},
   * {@code issuers/certs}, {@code rejected/}. Default {@code ~/.aifactory/opcua/pki}.
   */
  public static final String PKI_DIR = "pkiDir";

  /** {@code true} to allow SecurityPolicy None when the server offers nothing better. Default false. */
  public static final String ALLOW_SECURITY_NONE = "allowSecurityNone";

  /**
   * {@code true} to trust an unknown server certificate at first sight, pinned for that server's host and port in
   * {@code pinned/<host>_<port>.der} (not in the shared {@code trusted/}); a different certificate at that endpoint
   * is then refused until the pin file is deleted. Default false: an unknown certificate is refused and copied to
   * {@code rejected/} for an administrator to move.
   */
  public static final String TRUST_ON_FIRST_USE = "trustOnFirstUse";

  /** {@code false} to skip checking that the server certificate names the host connected to. Default true. */
  public static final String HOSTNAME_CHECK = "hostnameCheck";

  /** The user identity: {@code anonymous}, {@code username} or {@code certificate} (this client's certificate). */
  public static final String IDENTITY = "identity";

  /** The user name; setting it selects the {@code username} identity. Also taken from the URI's user info. */
  public static final String USERNAME = "username";

  /** The password; never logged, never in exceptions, removed from {@link io.aifactory.sdk.core.Device#uri()}. */
  public static final String PASSWORD = "password";

  /** This client's ApplicationUri, also written into its certificate. Default {@code urn:<host>:aifactory:sdk}. */
  public static final String APPLICATION_URI = "applicationUri";

  /** This client's ApplicationName. Default {@code AI Factory SDK}. */
  public static final String APPLICATION_NAME = "applicationName";

  /** The password of {@code own/client.p12}. Default {@code aifactory}; the folder's permissions protect the key. */
  public static final String KEY_STORE_PASSWORD = "keyStorePassword";

  /** The session timeout in milliseconds. Default 60000. */
  public static final String SESSION_TIMEOUT_MILLIS = "sessionTimeoutMillis";
}
