package io.aifactory.sdk.opcua.server;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.opcua.internal.security.Pki;
import io.aifactory.sdk.opcua.internal.server.ServerOptions;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/**
 * The options every OPC UA server of the SDK has (port, addresses, PKI folder, endpoints, who may log in), each
 * checked when set; the one definition behind {@link OpcUaResultServer.Builder} and the testkit's
 * {@code OpcUaSimulator.Builder}, so that both refuse the same mistakes. Setters return the subclass's builder, so
 * a chain can go on with that builder's own setters.
 *
 * <p>Defaults are those of a server on a plant network: port 4840 on every interface, announced with this
 * machine's names, Basic256Sha256, Aes128_Sha256_RsaOaep and Aes256_Sha256_RsaPss (each with Sign and
 * SignAndEncrypt), no SecurityPolicy None, no anonymous clients, client certificates trusted through
 * {@code trusted/}. A subclass may start from other defaults.
 *
 * @param <B> the concrete builder
 */
public abstract class ServerBuilder<B extends ServerBuilder<B>> {
  private int port = 4840;
  private String bindAddress = "0.0.0.0";
  private List<String> hostnames; // null: this machine's names, looked up only when needed
  private Path pkiDir;
  private String applicationUri;
  private String applicationName;
  private boolean securityNone;
  private Set<SecurityPolicy> securityPolicies = EnumSet.of(SecurityPolicy.Basic256Sha256,
      SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss);
  private boolean anonymous;
  private final Map<String, String> users = new LinkedHashMap<>();
  private boolean trustAllClients;
  private boolean certificateUsers;

  protected ServerBuilder(String applicationUri, String applicationName) {
    this.applicationUri = Objects.requireNonNull(applicationUri, "applicationUri");
    this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
  }

  /** Returns this builder as its concrete type, so that setters chain into the subclass's own setters. */
  protected abstract B self();

  /** Sets the port; 0 picks a free one at the first start and keeps it across restarts. */
  public B port(int port) {
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port not in [0, 65535]: " + port);
    this.port = port;
    return self();
  }

  /** Sets the address to listen on. */
  public B bindAddress(String bindAddress) {
    this.bindAddress = Objects.requireNonNull(bindAddress, "bindAddress");
    return self();
  }

  /** Sets the host names in endpoint URLs and the server certificate; the first is the main one. */
  public B hostnames(List<String> hostnames) {
    if (hostnames.isEmpty()) throw new IllegalArgumentException("hostnames is empty");
    this.hostnames = List.copyOf(hostnames);
    return self();
  }

  /** Sets the PKI folder (required): {@code own/} (this server's certificate), {@code trusted/}, {@code rejected/}. */
  public B pkiDir(Path pkiDir) {
    this.pkiDir = Objects.requireNonNull(pkiDir, "pkiDir");
    return self();
  }

  public B applicationUri(String applicationUri) {
    this.applicationUri = Objects.requireNonNull(applicationUri, "applicationUri");
    return self();
  }

  public B applicationName(String applicationName) {
    this.applicationName = Objects.requireNonNull(applicationName, "applicationName");
    return self();
  }

  /** Also offers SecurityPolicy None (unencrypted). */
  public B securityNone(boolean securityNone) {
    this.securityNone = securityNone;
    return self();
  }

  /** Sets the secure policies offered, each with Sign and SignAndEncrypt; None is {@link #securityNone}, not listed. */
  public B securityPolicies(Set<SecurityPolicy> policies) {
    if (policies.contains(SecurityPolicy.None)) {
      throw new IllegalArgumentException("use securityNone(true) for SecurityPolicy None");
    }
    this.securityPolicies = policies.isEmpty() ? EnumSet.noneOf(SecurityPolicy.class) : EnumSet.copyOf(policies);
    return self();
  }

  /** Also allows anonymous clients (they still need a trusted certificate on a secure endpoint). */
  public B anonymous(boolean anonymous) {
    this.anonymous = anonymous;
    return self();
  }

  /** Adds a user; the password is never logged. */
  public B user(String username, String password) {
    users.put(Objects.requireNonNull(username, "username"), Objects.requireNonNull(password, "password"));
    return self();
  }

  /**
   * Accepts every client certificate instead of only those in {@code trusted/}: for test servers only, hence
   * protected; a test server's builder makes it public.
   */
  protected B trustAllClients(boolean trustAllClients) {
    this.trustAllClients = trustAllClients;
    return self();
  }

  /** Accepts users who log in with an X.509 certificate in {@code trusted/} (any, on a server trusting all clients). */
  public B certificateUsers(boolean certificateUsers) {
    this.certificateUsers = certificateUsers;
    return self();
  }

  /**
   * Returns the options, checking what no single setter can: a subclass's {@code build()} calls this first.
   *
   * @throws IllegalStateException if the PKI folder is not set
   * @throws ConfigurationException if the server would offer no endpoint or no way to log in
   */
  protected final ServerOptions options() {
    if (pkiDir == null) throw new IllegalStateException("pkiDir is not set");
    if (!securityNone && securityPolicies.isEmpty()) {
      throw new ConfigurationException("no endpoint to offer: allow securityNone(true) or set securityPolicies");
    }
    if (!anonymous && users.isEmpty() && !certificateUsers) {
      throw new ConfigurationException("no client could log in: add a user(name, password), "
          + "or allow anonymous(true) clients or certificateUsers(true)");
    }
    return new ServerOptions(port, bindAddress, hostnames != null ? hostnames : Pki.localHostnames(), pkiDir,
        applicationUri, applicationName, securityNone, securityPolicies, anonymous, users, trustAllClients,
        certificateUsers);
  }
}
