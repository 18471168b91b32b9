package io.aifactory.sdk.opcua.internal.server;

import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.opcua.internal.security.DirectoryTrustList;
import io.aifactory.sdk.opcua.internal.security.Pki;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.eclipse.milo.opcua.sdk.server.EndpointConfig;
import org.eclipse.milo.opcua.sdk.server.ManagedNamespaceWithLifecycle;
import org.eclipse.milo.opcua.sdk.server.OpcUaServer;
import org.eclipse.milo.opcua.sdk.server.OpcUaServerConfig;
import org.eclipse.milo.opcua.sdk.server.Session;
import org.eclipse.milo.opcua.sdk.server.identity.AnonymousIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.CompositeValidator;
import org.eclipse.milo.opcua.sdk.server.identity.IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.UsernameIdentityValidator;
import org.eclipse.milo.opcua.sdk.server.identity.X509IdentityValidator;
import org.eclipse.milo.opcua.sdk.server.subscriptions.Subscription;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateStore;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultApplicationGroup;
import org.eclipse.milo.opcua.stack.core.security.DefaultCertificateManager;
import org.eclipse.milo.opcua.stack.core.security.DefaultServerCertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.MemoryCertificateStore;
import org.eclipse.milo.opcua.stack.core.security.RsaSha256CertificateFactory;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText;
import org.eclipse.milo.opcua.stack.core.types.enumerated.MessageSecurityMode;
import org.eclipse.milo.opcua.stack.core.types.structured.SetPublishingModeRequest;
import org.eclipse.milo.opcua.stack.core.types.structured.UserTokenPolicy;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransport;
import org.eclipse.milo.opcua.stack.transport.server.tcp.OpcTcpServerTransportConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Milo server set up the way both our servers need: its own certificate kept in a PKI folder (the same one after
 * a restart), client certificates checked against {@code trusted/} (refused ones copied to {@code rejected/}),
 * anonymous and username users, endpoints for None (only if asked) and for Sign and SignAndEncrypt with each
 * chosen policy, a namespace made afresh on every start, and fault injection. Not thread-safe for start/stop
 * (callers serialise those); fault methods may be called from any thread.
 */
public final class EmbeddedServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);

  // Nobody needs other values: the product is this SDK, and the key store only guards a file in the PKI folder.
  private static final String PRODUCT_URI = "urn:aifactory:sdk";
  private static final String KEY_STORE_PASSWORD = "aifactory";

  private final ServerOptions options;
  private final Function<OpcUaServer, ManagedNamespaceWithLifecycle> namespaceFactory;
  private final FaultInjector faults = new FaultInjector();

  private int port;
  private Pki pki;
  private X509Certificate certificate;
  private DefaultCertificateManager certificateManager;
  private volatile OpcUaServer server;
  private ManagedNamespaceWithLifecycle namespace;
  private boolean closed;

  /**
   * @param options checked options, from {@link io.aifactory.sdk.opcua.server.ServerBuilder}
   * @param namespaceFactory makes the namespace afresh at every start
   */
  public EmbeddedServer(ServerOptions options, Function<OpcUaServer, ManagedNamespaceWithLifecycle> namespaceFactory) {
    this.options = Objects.requireNonNull(options, "options");
    this.namespaceFactory = Objects.requireNonNull(namespaceFactory, "namespaceFactory");
    this.port = options.port();
  }

  /** Returns the port: the configured one, or the one chosen at the first start when configured as 0. */
  public synchronized int port() {
    return port;
  }

  public String applicationUri() {
    return options.applicationUri();
  }

  /** Returns the server's application certificate (created or loaded at the first start), or null before it. */
  public synchronized X509Certificate certificate() {
    return certificate;
  }

  public synchronized Pki pki() {
    if (pki == null) pki = Pki.open(options.pkiDir());
    return pki;
  }

  /** Returns the running Milo server, or null while stopped. */
  public OpcUaServer server() {
    return server;
  }

  /** Returns the namespace of the running server, or null while stopped. */
  public synchronized ManagedNamespaceWithLifecycle namespace() {
    return namespace;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Starts listening (again, on the same port after a stop).
   *
   * @throws AifactoryException if the port cannot be bound or the certificate cannot be made
   */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("server " + options.applicationUri() + " is closed");
    if (server != null) return;
    if (port == 0) port = freePort();
    if (certificateManager == null) initCertificates();
    OpcUaServer s = new OpcUaServer(config(), profile -> new OpcTcpServerTransport(
        OpcTcpServerTransportConfig.newBuilder().setChannelPipelineCustomizer(faults::install).build()));
    ManagedNamespaceWithLifecycle ns = namespaceFactory.apply(s);
    ns.startup();
    try {
      s.startup().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ns.shutdown();
      s.shutdown(); // it may finish starting and bind the port after we gave up on it
      throw new AifactoryException("interrupted while starting OPC UA server on port " + port, e);
    } catch (ExecutionException | TimeoutException e) {
      ns.shutdown();
      s.shutdown();
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      // Milo only says "No endpoints bound" (the BindException went to its log): say why, if the port is taken.
      String taken = portTaken(options.bindAddress(), port);
      throw new AifactoryException("cannot start OPC UA server on port " + port + ": "
          + (taken != null ? taken : cause.toString()), cause);
    }
    namespace = ns;
    server = s;
    log.info("OPC UA server {} listening on opc.tcp://{}:{}", options.applicationUri(), options.hostnames().get(0),
        port);
  }

  /** Returns why {@code port} cannot be bound on {@code address} (taken by another program), or null if it can be. */
  static String portTaken(String address, int port) {
    try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
      probe.setReuseAddress(true);
      probe.bind(new java.net.InetSocketAddress(address, port));
      return null;
    } catch (java.io.IOException e) {
      return address + ":" + port + " is already in use by another program (" + e.getMessage()
          + "); stop it or choose another port";
    }
  }

  /** Stops listening and closes every connection and session; values live on in the caller's variables. */
  public synchronized void stop() {
    OpcUaServer s = server;
    if (s == null) return;
    server = null;
    try {
      s.shutdown().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("OPC UA server {} did not shut down cleanly", options.applicationUri(), e);
    }
    if (namespace != null) namespace.shutdown();
    namespace = null;
    faults.dropConnections();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    stop();
    closed = true;
  }

  /** Closes every client connection now; the server keeps listening. */
  public void dropConnections() {
    faults.dropConnections();
  }

  public void stall(boolean stalled) {
    faults.stall(stalled);
  }

  public void delayReplies(Duration delay) {
    faults.delayReplies(Objects.requireNonNull(delay, "delay"));
  }

  /** Closes every session (and its subscriptions) while keeping the connections. */
  public void closeSessions() {
    OpcUaServer s = server;
    if (s == null) return;
    for (Session session : s.getSessionManager().getAllSessions()) {
      s.getSessionManager().killSession(session.getSessionId(), true);
    }
  }

  /** Stops or resumes publishing on every subscription: clients then get keep-alives but no data. */
  public void publishing(boolean enabled) {
    OpcUaServer s = server;
    if (s == null) return;
    for (Subscription sub : s.getSubscriptions().values()) {
      sub.setPublishingMode(new SetPublishingModeRequest(null, enabled, null));
    }
  }

  public int connectionCount() {
    return faults.connectionCount();
  }

  public int sessionCount() {
    OpcUaServer s = server;
    return s == null ? 0 : s.getSessionManager().getAllSessions().size();
  }

  private void initCertificates() {
    Pki p = pki();
    Pki.ApplicationCertificate own = p.loadOrCreate("server", options.applicationUri(), options.hostnames(),
        KEY_STORE_PASSWORD.toCharArray());
    certificate = own.certificate();
    DirectoryTrustList trustList = p.trustList();
    CertificateQuarantine quarantine = p.quarantine();
    CertificateValidator validator = options.trustAllClients()
        ? (chain, uri, hostnames) -> log.debug("accepting client certificate {} (trustAllClients)",
            chain.isEmpty() ? "-" : chain.get(0).getSubjectX500Principal())
        : new DefaultServerCertificateValidator(trustList, EnumSet.of(ValidationCheck.APPLICATION_URI), quarantine);
    MemoryCertificateStore store = new MemoryCertificateStore();
    try {
      store.set(NodeIds.RsaSha256ApplicationCertificateType,
          new CertificateStore.Entry(own.keyPair().getPrivate(), new X509Certificate[] {own.certificate()}));
      // The store already holds the certificate, so the factory is only asked if someone replaces it.
      RsaSha256CertificateFactory factory = new RsaSha256CertificateFactory() {
        @Override
        protected X509Certificate[] createRsaSha256CertificateChain(java.security.KeyPair keyPair) {
          return new X509Certificate[] {own.certificate()};
        }
      };
      DefaultApplicationGroup group = DefaultApplicationGroup.createAndInitialize(trustList, store, factory, validator);
      certificateManager = new DefaultCertificateManager(quarantine, group);
    } catch (Exception e) {
      throw new ConfigurationException("",
          "cannot set up the certificate of OPC UA server " + options.applicationUri() + ": " + e, e);
    }
  }

  private OpcUaServerConfig config() {
    List<UserTokenPolicy> tokens = new ArrayList<>();
    if (options.anonymous()) tokens.add(OpcUaServerConfig.USER_TOKEN_POLICY_ANONYMOUS);
    if (!options.users().isEmpty()) tokens.add(OpcUaServerConfig.USER_TOKEN_POLICY_USERNAME);
    if (options.certificateUsers()) tokens.add(OpcUaServerConfig.USER_TOKEN_POLICY_X509);

    Set<EndpointConfig> endpoints = new LinkedHashSet<>();
    for (String host : options.hostnames()) {
      EndpointConfig.Builder base = EndpointConfig.newBuilder()
          .setBindAddress(options.bindAddress())
          .setBindPort(port)
          .setHostname(host)
          .setPath("")
          .setCertificate(certificate)
          .addTokenPolicies(tokens.toArray(new UserTokenPolicy[0]));
      if (options.securityNone()) {
        endpoints.add(base.copy().setSecurityPolicy(SecurityPolicy.None).setSecurityMode(MessageSecurityMode.None).build());
      }
      for (SecurityPolicy policy : options.securityPolicies()) {
        endpoints.add(base.copy().setSecurityPolicy(policy).setSecurityMode(MessageSecurityMode.Sign).build());
        endpoints.add(base.copy().setSecurityPolicy(policy).setSecurityMode(MessageSecurityMode.SignAndEncrypt).build());
      }
      // Clients ask for endpoints on the discovery path too.
      endpoints.add(base.copy().setPath("/discovery").setSecurityPolicy(SecurityPolicy.None)
          .setSecurityMode(MessageSecurityMode.None).build());
    }

    List<IdentityValidator> validators = new ArrayList<>();
    if (options.anonymous()) validators.add(AnonymousIdentityValidator.INSTANCE);
    if (!options.users().isEmpty()) {
      Map<String, String> credentials = options.users();
      validators.add(new UsernameIdentityValidator(challenge -> {
        String expected = credentials.get(challenge.getUsername());
        return expected != null && java.security.MessageDigest.isEqual(
            expected.getBytes(java.nio.charset.StandardCharsets.UTF_8),
            challenge.getPassword().getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }));
    }

    if (options.certificateUsers()) {
      // A user certificate is accepted if it is in trusted/ (or, on a test server, always).
      validators.add(new X509IdentityValidator(
          c -> options.trustAllClients() || pki().trustList().getTrustedCertificates().contains(c)));
    }

    return OpcUaServerConfig.builder()
        .setApplicationUri(options.applicationUri())
        .setApplicationName(LocalizedText.english(options.applicationName()))
        .setProductUri(PRODUCT_URI)
        .setEndpoints(endpoints)
        .setCertificateManager(certificateManager)
        .setIdentityValidator(new CompositeValidator(validators))
        .build();
  }

  /**
   * Returns a port that was free a moment ago. Milo announces the port in its endpoint URLs, which are fixed before
   * it binds, so "port 0" is resolved here once and then kept for restarts.
   */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new AifactoryException("cannot find a free TCP port: " + e, e);
    }
  }
}
