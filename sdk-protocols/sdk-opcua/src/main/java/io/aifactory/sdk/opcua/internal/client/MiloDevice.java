package io.aifactory.sdk.opcua.internal.client;

import static org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.Unsigned.uint;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.AifactoryException;
import io.aifactory.sdk.core.ConnectionState;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.DeviceException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.DeviceMetrics;
import io.aifactory.sdk.core.DeviceTimeoutException;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.SampleListener;
import io.aifactory.sdk.core.StateListener;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.spi.ConnectionTracker;
import io.aifactory.sdk.opcua.BrowsedNode;
import io.aifactory.sdk.opcua.OpcUaDevice;
import io.aifactory.sdk.opcua.OpcUaProperties;
import io.aifactory.sdk.opcua.internal.EndpointRanking;
import io.aifactory.sdk.opcua.internal.NodeIdAddress;
import io.aifactory.sdk.opcua.internal.StatusMapping;
import io.aifactory.sdk.opcua.internal.Values;
import io.aifactory.sdk.opcua.internal.security.DirectoryTrustList;
import io.aifactory.sdk.opcua.internal.security.Pki;
import io.aifactory.sdk.opcua.internal.security.RevocationCheckingValidator;
import io.aifactory.sdk.opcua.internal.security.TrustOnFirstUseValidator;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.milo.opcua.sdk.client.DiscoveryClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClient;
import org.eclipse.milo.opcua.sdk.client.OpcUaClientConfig;
import org.eclipse.milo.opcua.sdk.client.SessionActivityListener;
import org.eclipse.milo.opcua.sdk.client.UaSession;
import org.eclipse.milo.opcua.sdk.client.identity.AnonymousProvider;
import org.eclipse.milo.opcua.sdk.client.identity.IdentityProvider;
import org.eclipse.milo.opcua.sdk.client.identity.UsernameProvider;
import org.eclipse.milo.opcua.sdk.client.identity.X509IdentityProvider;
import org.eclipse.milo.opcua.stack.core.AttributeId;
import org.eclipse.milo.opcua.stack.core.NodeIds;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.UaException;
import org.eclipse.milo.opcua.stack.core.security.CertificateQuarantine;
import org.eclipse.milo.opcua.stack.core.security.CertificateValidator;
import org.eclipse.milo.opcua.stack.core.security.DefaultClientCertificateValidator;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.NodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.Variant;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseDirection;
import org.eclipse.milo.opcua.stack.core.types.enumerated.BrowseResultMask;
import org.eclipse.milo.opcua.stack.core.types.enumerated.NodeClass;
import org.eclipse.milo.opcua.stack.core.types.enumerated.TimestampsToReturn;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.BrowseResult;
import org.eclipse.milo.opcua.stack.core.types.structured.EndpointDescription;
import org.eclipse.milo.opcua.stack.core.types.structured.ReadValueId;
import org.eclipse.milo.opcua.stack.core.types.structured.ReferenceDescription;
import org.eclipse.milo.opcua.stack.core.util.CertificateUtil;
import org.eclipse.milo.opcua.stack.core.util.EndpointUtil;
import org.eclipse.milo.opcua.stack.core.util.validation.ValidationCheck;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransport;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfig;
import org.eclipse.milo.opcua.stack.transport.client.tcp.OpcTcpClientTransportConfigBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OPC UA server reached through one Milo client. The first connect (and any connect that fails) is retried on
 * this device's own thread with the {@link io.aifactory.sdk.core.ReconnectPolicy}; once a session exists, Milo
 * re-establishes it after a loss, and this class restores the subscriptions Milo could not transfer.
 */
public final class MiloDevice implements OpcUaDevice {
  private static final Logger log = LoggerFactory.getLogger(MiloDevice.class);

  private final ClientSettings settings;
  private final DeviceOptions options;
  private final ConnectionTracker tracker;
  private final ScheduledExecutorService executor;
  /** Calls the sample listeners of all this device's subscriptions, one delivery at a time, in order. */
  private final java.util.concurrent.ExecutorService delivery;
  private volatile Thread deliveryThread;
  private final Pki pki;
  private final Set<MiloSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, NodeId> resolved = new ConcurrentHashMap<>();
  private final Traffic traffic = new Traffic();

  private volatile OpcUaClient client;
  private volatile boolean sessionActive;
  private volatile String security = "";
  /** This client's certificate file, for messages asking an administrator to trust it on the server. */
  private volatile java.nio.file.Path ownCertificate;
  private int attempts;

  MiloDevice(ClientSettings settings, DeviceOptions options) {
    this.settings = settings;
    this.options = options;
    // State changes show at once; listeners hear them on the delivery thread, in order with the sample deliveries.
    this.tracker = new ConnectionTracker(this, this::tell);
    this.pki = Pki.open(settings.pkiDir);
    this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aifactory-opcua-" + settings.host + ":" + settings.port);
      t.setDaemon(true);
      return t;
    });
    this.delivery = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "aifactory-opcua-delivery-" + settings.host + ":" + settings.port);
      t.setDaemon(true);
      deliveryThread = t;
      return t;
    });
  }

  /** Starts connecting in the background; called once by the driver after construction. */
  void start() {
    executor.execute(this::connect);
  }

  @Override
  public URI uri() {
    return settings.publicUri;
  }

  @Override
  public String security() {
    return sessionActive ? security : "";
  }

  @Override
  public java.util.Optional<Throwable> lastError() {
    return tracker.lastError();
  }

  // ---------------------------------------------------------------------------------------------- connection

  private void connect() {
    if (tracker.isClosed()) return;
    tracker.transition(ConnectionState.CONNECTING, null);
    OpcUaClient c = null;
    EndpointDescription endpoint = null;
    try {
      List<EndpointDescription> endpoints = discover();
      List<EndpointDescription> ranked = EndpointRanking.rank(uri().toString(), endpoints, settings.allowSecurityNone,
          settings.identity);
      endpoint = EndpointUtil.updateUrl(ranked.get(0), settings.host, settings.port);
      c = newClient(endpoint);
      c.addSessionActivityListener(new SessionWatcher(c));
      c.connectAsync().get(options.connectTimeout().toMillis() + options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      security = EndpointRanking.describe(endpoint);
      attempts = 0;
      resolved.clear();
      client = c;
      if (tracker.isClosed()) {
        // close() ran while we were connecting and may have missed this client.
        c.disconnectAsync();
        return;
      }
      sessionActive = true;
      log.info("{} connected with {}", uri(), security);
      traffic.connected();
      tracker.transition(ConnectionState.CONNECTED, null);
      for (MiloSubscription s : subscriptions) {
        s.sessionActive();
        s.ensureCreated(c);
      }
    } catch (Exception t) {
      if (t instanceof InterruptedException) Thread.currentThread().interrupt();
      client = null;
      sessionActive = false;
      if (c != null) {
        // Milo keeps retrying a failed connect in the background until told to stop.
        c.disconnectAsync();
      }
      AifactoryException cause = explain(t, endpoint);
      tracker.attemptFailed(cause, isRefusal(t));
      tracker.transition(ConnectionState.DISCONNECTED, cause);
      if (!tracker.isClosed() && !executor.isShutdown()) {
        long delay = options.reconnectPolicy().delay(++attempts, ThreadLocalRandom.current().nextDouble()).toNanos();
        log.debug("{}: next connection attempt in {} ms", uri(), delay / 1_000_000);
        try {
          executor.schedule(this::connect, delay, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
          log.debug("{} closed while scheduling a reconnect", uri());
        }
      }
    }
  }

  private List<EndpointDescription> discover() throws Exception {
    long timeout = options.connectTimeout().toMillis();
    try {
      return DiscoveryClient.getEndpoints(settings.endpointUrl, this::configureTransport).get(timeout, TimeUnit.MILLISECONDS);
    } catch (ExecutionException first) {
      // Some servers answer GetEndpoints only on their discovery path.
      String discovery = settings.endpointUrl + (settings.endpointUrl.endsWith("/") ? "" : "/") + "discovery";
      try {
        return DiscoveryClient.getEndpoints(discovery, this::configureTransport).get(timeout, TimeUnit.MILLISECONDS);
      } catch (ExecutionException second) {
        throw first;
      }
    }
  }

  private void configureTransport(OpcTcpClientTransportConfigBuilder b) {
    b.setConnectTimeout(uint(options.connectTimeout().toMillis()));
    b.setAcknowledgeTimeout(uint(options.connectTimeout().toMillis()));
  }

  private OpcUaClient newClient(EndpointDescription endpoint) {
    Pki.ApplicationCertificate own = pki.loadOrCreate("client", settings.applicationUri, Pki.localHostnames(),
        settings.keyStorePassword);
    ownCertificate = own.derFile();
    // Only a device that asked for trust on first use trusts what it pinned, and only for this endpoint.
    DirectoryTrustList trustList = settings.trustOnFirstUse ? pki.trustList(pinFile()) : pki.trustList();
    CertificateQuarantine quarantine = pki.quarantine();
    CertificateValidator validator = serverCertificateValidator(trustList, quarantine, settings.hostnameCheck);
    if (settings.trustOnFirstUse) validator = new TrustOnFirstUseValidator(validator, pinFile(), quarantine);
    long requestTimeout = options.requestTimeout().toMillis();
    OpcUaClientConfig config = OpcUaClientConfig.builder()
        .setEndpoint(endpoint)
        .setApplicationUri(settings.applicationUri)
        .setApplicationName(org.eclipse.milo.opcua.stack.core.types.builtin.LocalizedText.english(settings.applicationName))
        .setProductUri("urn:aifactory:sdk")
        .setKeyPair(own.keyPair())
        .setCertificate(own.certificate())
        .setCertificateChain(new X509Certificate[] {own.certificate()})
        .setCertificateValidator(validator)
        .setIdentityProvider(identity(own, validator, endpoint))
        .setRequestTimeout(uint(requestTimeout))
        .setSessionTimeout(uint(settings.sessionTimeoutMillis))
        .setKeepAliveInterval(uint(Math.max(1000, requestTimeout)))
        .setKeepAliveTimeout(uint(requestTimeout))
        .build();
    OpcTcpClientTransportConfigBuilder transport = OpcTcpClientTransportConfig.newBuilder();
    configureTransport(transport);
    return new OpcUaClient(config, new OpcTcpClientTransport(transport.build()));
  }

  /**
   * Returns Milo's checks of the server certificate: all of them (key usage and extended key usage included), except
   * HOSTNAME when the caller switched it off, and except REVOCATION and REVOCATION_LISTS: with those, Milo 1.1.2 on
   * Java 17 demands a CRL for every CA (and still checks none for a self-signed certificate).
   * {@link RevocationCheckingValidator} checks revocation instead, against whatever CRLs the PKI folder holds.
   */
  static Set<ValidationCheck> validationChecks(boolean hostnameCheck) {
    Set<ValidationCheck> checks = EnumSet.allOf(ValidationCheck.class);
    checks.remove(ValidationCheck.REVOCATION);
    checks.remove(ValidationCheck.REVOCATION_LISTS);
    if (!hostnameCheck) checks.remove(ValidationCheck.HOSTNAME);
    return checks;
  }

  /** Returns the validator of server certificates: Milo's checks, then revocation against the PKI folder's CRLs. */
  static CertificateValidator serverCertificateValidator(DirectoryTrustList trustList, CertificateQuarantine quarantine,
      boolean hostnameCheck) {
    return new RevocationCheckingValidator(
        new DefaultClientCertificateValidator(trustList, validationChecks(hostnameCheck), quarantine), trustList);
  }

  private java.nio.file.Path pinFile() {
    return pki.pinFile(settings.host, settings.port);
  }

  private IdentityProvider identity(Pki.ApplicationCertificate own, CertificateValidator validator,
      EndpointDescription endpoint) {
    if (settings.identity == UserTokenType.UserName) {
      // Milo takes the first UserName policy; take one that encrypts the password (the ranking ensured there is one).
      return new UsernameProvider(settings.username, settings.password, validator, policies -> policies.stream()
          .filter(p -> EndpointRanking.protectsPassword(endpoint, p)).findFirst()
          .orElseThrow(() -> new IllegalStateException(uri() + ": no user-token policy protects the password")));
    }
    if (settings.identity == UserTokenType.Certificate) {
      return new X509IdentityProvider(own.certificate(), own.keyPair().getPrivate());
    }
    return new AnonymousProvider();
  }

  /** Turns a failed connect into one clear exception; never mentions the password. */
  private AifactoryException explain(Throwable t, EndpointDescription endpoint) {
    Throwable e = unwrap(t);
    if (e instanceof AifactoryException) return (AifactoryException) e;
    String name = uri().toString();
    if (e instanceof TimeoutException) {
      return new DeviceTimeoutException(name + " did not answer within " + options.connectTimeout().toMillis() + " ms");
    }
    UaException ua = findUaException(e);
    if (ua != null) {
      long code = ua.getStatusCode().getValue() & 0xFFFF0000L;
      String status = StatusMapping.name(code);
      long raw = ua.getStatusCode().getValue();
      if (code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_IdentityTokenRejected
          || code == StatusCodes.Bad_IdentityTokenInvalid) {
        return new DeviceException(name + " refused " + (settings.username != null
            ? "user '" + settings.username + "' (wrong user name or password?)" : settings.identity + " login") + ": " + status, raw);
      }
      if (code == StatusCodes.Bad_SecurityChecksFailed || code == StatusCodes.Bad_CertificateUntrusted
          || code == StatusCodes.Bad_CertificateChainIncomplete) {
        if (endpoint != null && !isTrusted(endpoint) && settings.trustOnFirstUse
            && TrustOnFirstUseValidator.pinned(pinFile()) != null) {
          return new DeviceException(name + ": the server certificate differs from the one pinned on first use ("
              + status + "); if the server really has a new certificate, delete " + pinFile() + " to trust it", raw);
        }
        if (endpoint != null && !isTrusted(endpoint)) {
          return new DeviceException(name + ": the server certificate is not trusted (" + status + "); it was copied to "
              + pki.rejectedDir() + " - move it to " + pki.trustedDir() + " to trust it, or set "
              + OpcUaProperties.TRUST_ON_FIRST_USE + "=true", raw);
        }
        return new DeviceException(name + " refused this client's certificate (" + status + "); add "
            + (ownCertificate != null ? ownCertificate : pki.ownDir().resolve("client.der"))
            + " to the server's trusted certificates", raw);
      }
      if (code == StatusCodes.Bad_CertificateHostNameInvalid) {
        return new DeviceException(name + ": the server certificate does not name host '" + settings.host + "' ("
            + status + "); connect by a name in the certificate or set " + OpcUaProperties.HOSTNAME_CHECK + "=false", raw);
      }
      if (code == StatusCodes.Bad_CertificateUriInvalid) {
        return new DeviceException(name + ": ApplicationUri and certificate disagree (" + status + ")", raw);
      }
      if (code == StatusCodes.Bad_Timeout || code == StatusCodes.Bad_RequestTimeout) {
        return new DeviceTimeoutException(name + " did not answer in time (" + status + ")");
      }
      return new DeviceException(name + ": connection failed with " + status
          + (ua.getMessage() != null ? " (" + ua.getMessage() + ")" : ""), raw);
    }
    return new DeviceException(name + " cannot be reached: " + e, e);
  }

  /**
   * Returns true if the server refused us in a way that retrying cannot cure until someone changes something: the
   * login, a certificate, or a configuration that no endpoint satisfies. Timeouts and unreachable hosts may pass.
   */
  private static boolean isRefusal(Throwable t) {
    Throwable e = unwrap(t);
    if (e instanceof io.aifactory.sdk.core.ConfigurationException) return true;
    UaException ua = findUaException(e);
    if (ua == null) return false;
    long code = ua.getStatusCode().getValue() & 0xFFFF0000L;
    return code == StatusCodes.Bad_UserAccessDenied || code == StatusCodes.Bad_IdentityTokenRejected
        || code == StatusCodes.Bad_IdentityTokenInvalid || code == StatusCodes.Bad_SecurityChecksFailed
        || code == StatusCodes.Bad_CertificateUntrusted || code == StatusCodes.Bad_CertificateChainIncomplete
        || code == StatusCodes.Bad_CertificateHostNameInvalid || code == StatusCodes.Bad_CertificateUriInvalid
        || code == StatusCodes.Bad_CertificateRevoked || code == StatusCodes.Bad_CertificateInvalid;
  }

  private boolean isTrusted(EndpointDescription endpoint) {
    try {
      X509Certificate server = CertificateUtil.decodeCertificate(endpoint.getServerCertificate().bytesOrEmpty());
      return (settings.trustOnFirstUse ? pki.trustList(pinFile()) : pki.trustList()).getTrustedCertificates()
          .contains(server);
    } catch (UaException e) {
      return false;
    }
  }

  private static Throwable unwrap(Throwable t) {
    while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) t = t.getCause();
    return t;
  }

  static UaException findUaException(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UaException) return (UaException) c;
      if (c instanceof org.eclipse.milo.opcua.stack.core.UaRuntimeException) {
        return new UaException(((org.eclipse.milo.opcua.stack.core.UaRuntimeException) c).getStatusCode(), c.getMessage());
      }
    }
    return null;
  }

  /** Follows Milo's session: lost means DISCONNECTED (and a gap in every subscription), back means CONNECTED. */
  private final class SessionWatcher implements SessionActivityListener {
    private final OpcUaClient owner;

    SessionWatcher(OpcUaClient owner) {
      this.owner = owner;
    }

    @Override
    public void onSessionActive(UaSession session) {
      if (client != owner || sessionActive) return;
      sessionActive = true;
      resolved.clear();
      traffic.connected();
      tracker.transition(ConnectionState.CONNECTED, null);
      for (MiloSubscription s : subscriptions) {
        // Transferred subscriptions resend their current values and recreated ones start with them.
        s.sessionActive();
        runLater(() -> s.ensureCreated(owner));
      }
    }

    @Override
    public void onSessionInactive(UaSession session) {
      if (client != owner || !sessionActive) return;
      sessionActive = false;
      DeviceException cause = new DeviceException(uri() + ": session lost");
      tracker.transition(ConnectionState.DISCONNECTED, cause);
      for (MiloSubscription s : subscriptions) s.markGap(Quality.bad(Quality.Reason.DISCONNECTED, "session lost"));
    }
  }

  // ---------------------------------------------------------------------------------------------- operations

  NodeId nodeId(Tag tag, OpcUaClient c) {
    NodeId id = resolved.get(tag.address());
    if (id == null) {
      id = NodeIdAddress.resolve(tag.name(), tag.address(), c.getNamespaceTable());
      resolved.put(tag.address(), id);
    }
    return id;
  }

  @Override
  public CompletableFuture<SampleBatch> read(List<Tag> tags) {
    if (tracker.isClosed()) return CompletableFuture.failedFuture(new DeviceException(uri() + " is closed"));
    try {
      for (Tag t : tags) NodeIdAddress.parse(t);
    } catch (AddressException e) {
      return CompletableFuture.failedFuture(e);
    }
    OpcUaClient c = client;
    if ((c == null || !sessionActive) && tracker.state() == ConnectionState.CONNECTING) {
      // A connection attempt is under way (the first, after open): wait for it rather than answer DISCONNECTED.
      return afterConnectAttempt().thenCompose(why -> why == null && sessionActive ? read(tags)
          : CompletableFuture.completedFuture(allBad(tags, Quality.bad(Quality.Reason.DISCONNECTED,
              why != null ? why : "not connected"))));
    }
    if (c == null || !sessionActive) return CompletableFuture.completedFuture(allBad(tags, Quality.bad(Quality.Reason.DISCONNECTED, "not connected")));
    List<NodeId> ids = new ArrayList<>(tags.size());
    boolean[] unresolved = new boolean[tags.size()];
    for (int i = 0; i < tags.size(); i++) {
      try {
        ids.add(nodeId(tags.get(i), c));
      } catch (AddressException e) {
        ids.add(NodeId.NULL_VALUE);
        unresolved[i] = true;
      }
    }
    traffic.request();
    long sent = System.nanoTime();
    return c.readValuesAsync(0.0, TimestampsToReturn.Both, ids)
        .orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .handle((values, error) -> {
          traffic.polled(System.nanoTime() - sent);
          if (error != null) {
            traffic.failed(unwrap(error));
            return allBad(tags, failureQuality(error));
          }
          long now = options.nowNanos();
          SampleBatch.Builder rows = SampleBatch.newBuilder(tags.size()).receiveTimeNanos(now);
          for (int i = 0; i < tags.size(); i++) {
            if (unresolved[i]) {
              rows.addBad(tags.get(i), Quality.bad(Quality.Reason.CONFIG_ERROR,
                  "namespace of '" + tags.get(i).address() + "' is not on the server"), now);
              continue;
            }
            DataValue v = values.get(i);
            Values.addRow(rows, tags.get(i), v.getValue().getValue(), StatusMapping.quality(v.getStatusCode()), sourceTime(v, now));
          }
          return rows.build();
        });
  }

  /**
   * Returns a future completed with null once connected, or with why not if the connection attempt under way fails
   * for good or does not succeed within the connect timeout; failed if the device closes.
   */
  private CompletableFuture<String> afterConnectAttempt() {
    CompletableFuture<String> outcome = new CompletableFuture<>();
    tracker.whenConnected(options.connectTimeout()).whenComplete((ok, error) -> {
      if (tracker.isClosed()) outcome.completeExceptionally(new DeviceException(uri() + " was closed"));
      else outcome.complete(error == null ? null : unwrap(error).getMessage());
    });
    return outcome;
  }

  static long sourceTime(DataValue v, long fallback) {
    DateTime t = v.getSourceTime() != null ? v.getSourceTime() : v.getServerTime();
    if (t == null || t.isNull()) return fallback;
    // DateTime counts 100 ns ticks since 1601-01-01.
    return (t.getUtcTime() - 116_444_736_000_000_000L) * 100;
  }

  private Quality failureQuality(Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof TimeoutException) {
      return Quality.bad(Quality.Reason.TIMEOUT, "no answer within " + options.requestTimeout().toMillis() + " ms");
    }
    UaException ua = findUaException(e);
    if (ua != null) return StatusMapping.quality(ua.getStatusCode()).isBad()
        ? StatusMapping.quality(ua.getStatusCode()) : Quality.bad(Quality.Reason.DEVICE_ERROR, e.toString());
    return Quality.bad(Quality.Reason.DISCONNECTED, e.toString());
  }

  SampleBatch allBad(List<Tag> tags, Quality quality) {
    long now = options.nowNanos();
    SampleBatch.Builder rows = SampleBatch.newBuilder(tags.size()).receiveTimeNanos(now);
    for (Tag t : tags) rows.addBad(t, quality, now);
    return rows.build();
  }

  @Override
  public CompletableFuture<Void> write(Tag tag, Object value) {
    if (tracker.isClosed()) return CompletableFuture.failedFuture(new DeviceException(uri() + " is closed"));
    Variant variant;
    try {
      NodeIdAddress.parse(tag);
      variant = Values.toVariant(tag, value);
    } catch (AddressException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    OpcUaClient c = client;
    if ((c == null || !sessionActive) && tracker.state() == ConnectionState.CONNECTING) {
      return afterConnectAttempt().thenCompose(why -> why == null && sessionActive ? write(tag, value)
          : CompletableFuture.failedFuture(new DeviceException("tag '" + tag.name() + "': " + uri() + " is not connected"
              + (why != null ? ": " + why : ""))));
    }
    if (c == null || !sessionActive) {
      return CompletableFuture.failedFuture(new DeviceException("tag '" + tag.name() + "': " + uri() + " is not connected"));
    }
    NodeId id;
    try {
      id = nodeId(tag, c);
    } catch (AddressException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Void> result = new CompletableFuture<>();
    // Completed by hand, not by throwing in handle(): callers get the DeviceException itself, not a
    // CompletionException around it, as from the other drivers.
    traffic.request();
    c.writeValuesAsync(List.of(id), List.of(DataValue.valueOnly(variant)))
        .orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .whenComplete((codes, error) -> {
          if (error != null) {
            Throwable e = unwrap(error);
            traffic.failed(e);
            if (e instanceof TimeoutException) {
              result.completeExceptionally(new DeviceTimeoutException("tag '" + tag.name() + "': " + uri()
                  + " did not confirm the write within " + options.requestTimeout().toMillis() + " ms"));
            } else {
              result.completeExceptionally(new DeviceException("tag '" + tag.name() + "': write to " + uri()
                  + " failed: " + e, e));
            }
            return;
          }
          StatusCode status = codes.get(0);
          if (!status.isGood()) {
            traffic.refused();
            result.completeExceptionally(new DeviceException("tag '" + tag.name() + "': " + uri()
                + " refused the write of " + describe(value) + ": " + StatusMapping.name(status.getValue()), status.getValue()));
          } else {
            result.complete(null);
          }
        });
    return result;
  }

  private static String describe(Object value) {
    return value != null && value.getClass().isArray()
        ? value.getClass().getComponentType() + "[" + java.lang.reflect.Array.getLength(value) + "]" : String.valueOf(value);
  }

  @Override
  public CompletableFuture<List<BrowsedNode>> browse(String nodeId) {
    NodeId start;
    OpcUaClient c = client;
    if (c == null || !sessionActive) {
      return CompletableFuture.failedFuture(new DeviceException(uri() + " is not connected; cannot browse " + nodeId));
    }
    try {
      start = NodeIdAddress.resolve("browse", nodeId, c.getNamespaceTable());
    } catch (AddressException e) {
      return CompletableFuture.failedFuture(e);
    }
    BrowseDescription request = new BrowseDescription(start, BrowseDirection.Forward, NodeIds.HierarchicalReferences,
        true, uint(NodeClass.Object.getValue() | NodeClass.Variable.getValue()), uint(BrowseResultMask.All.getValue()));
    CompletableFuture<List<BrowsedNode>> nodes = new CompletableFuture<>();
    traffic.request();
    c.browseAsync(request)
        .orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .thenCompose(result -> collect(c, result, new ArrayList<>()))
        .thenCompose(refs -> describe(c, refs))
        .whenComplete((found, error) -> {
          if (error == null) {
            nodes.complete(found);
            return;
          }
          // The exception itself, not a CompletionException around it (see write).
          Throwable e = unwrap(error);
          if (!(e instanceof AifactoryException)) traffic.failed(e);
          nodes.completeExceptionally(e instanceof AifactoryException ? e
              : new DeviceException(uri() + ": browsing " + nodeId + " failed: " + e, e));
        });
    return nodes;
  }

  private CompletableFuture<List<ReferenceDescription>> collect(OpcUaClient c, BrowseResult result,
      List<ReferenceDescription> into) {
    if (result.getStatusCode().isBad()) {
      traffic.refused();
      throw new DeviceException(uri() + ": browse refused: " + StatusMapping.name(result.getStatusCode().getValue()),
          result.getStatusCode().getValue());
    }
    if (result.getReferences() != null) into.addAll(List.of(result.getReferences()));
    if (result.getContinuationPoint() == null || result.getContinuationPoint().isNullOrEmpty()) {
      return CompletableFuture.completedFuture(into);
    }
    traffic.request();
    return c.browseNextAsync(false, List.of(result.getContinuationPoint()))
        .thenCompose(next -> collect(c, next.getResults()[0], into));
  }

  private CompletableFuture<List<BrowsedNode>> describe(OpcUaClient c, List<ReferenceDescription> refs) {
    List<NodeId> variables = new ArrayList<>();
    List<ReadValueId> reads = new ArrayList<>();
    for (ReferenceDescription r : refs) {
      if (r.getNodeClass() != NodeClass.Variable) continue;
      NodeId id = r.getNodeId().toNodeId(c.getNamespaceTable()).orElse(null);
      if (id == null) continue;
      variables.add(id);
      reads.add(new ReadValueId(id, AttributeId.DataType.uid(), null, null));
      reads.add(new ReadValueId(id, AttributeId.ValueRank.uid(), null, null));
      reads.add(new ReadValueId(id, AttributeId.ArrayDimensions.uid(), null, null));
    }
    if (!reads.isEmpty()) traffic.request();
    CompletableFuture<List<DataValue>> attributes = reads.isEmpty()
        ? CompletableFuture.completedFuture(List.of())
        : c.readAsync(0.0, TimestampsToReturn.Neither, reads).thenApply(r -> List.of(r.getResults()));
    return attributes.thenApply(values -> {
      List<BrowsedNode> nodes = new ArrayList<>();
      for (ReferenceDescription r : refs) {
        NodeId id = r.getNodeId().toNodeId(c.getNamespaceTable()).orElse(null);
        if (id == null) continue;
        BrowsedNode.NodeClass kind = r.getNodeClass() == NodeClass.Variable ? BrowsedNode.NodeClass.VARIABLE
            : r.getNodeClass() == NodeClass.Object ? BrowsedNode.NodeClass.OBJECT : BrowsedNode.NodeClass.OTHER;
        DataType type = null;
        int v = variables.indexOf(id);
        if (v >= 0) type = dataType(values.get(3 * v), values.get(3 * v + 1), values.get(3 * v + 2));
        nodes.add(new BrowsedNode(id.toParseableString(), r.getBrowseName().name(),
            r.getDisplayName().text() == null ? "" : r.getDisplayName().text(), kind, type));
      }
      return nodes;
    });
  }

  private static DataType dataType(DataValue typeValue, DataValue rankValue, DataValue dimensionsValue) {
    Object type = typeValue.getValue().getValue();
    if (!(type instanceof NodeId)) return null;
    DataType.Kind kind = Values.kindOf((NodeId) type);
    if (kind == null) return null;
    Object rank = rankValue.getValue().getValue();
    if (rank instanceof Integer && (Integer) rank == -1) return DataType.of(kind);
    Object dims = dimensionsValue.getValue().getValue();
    if (rank instanceof Integer && (Integer) rank == 1 && dims instanceof Object[] && ((Object[]) dims).length == 1
        && kind != DataType.Kind.STRING) {
      int length = ((Number) ((Object[]) dims)[0]).intValue();
      if (length > 0) return DataType.arrayOf(kind, length);
    }
    return null;
  }

  @Override
  public Subscription subscribe(List<Tag> tags, SubscriptionOptions subscriptionOptions, SampleListener listener) {
    if (tracker.isClosed()) throw new DeviceException(uri() + " is closed");
    for (Tag t : tags) NodeIdAddress.parse(t);
    MiloSubscription s = new MiloSubscription(this, List.copyOf(tags), subscriptionOptions, listener);
    subscriptions.add(s);
    s.startHeartbeat(executor);
    OpcUaClient c = client;
    if (c != null && sessionActive) {
      executor.execute(() -> s.ensureCreated(c));
    } else {
      s.markGap(Quality.bad(Quality.Reason.DISCONNECTED, "not connected"));
    }
    return s;
  }

  void removed(MiloSubscription s) {
    subscriptions.remove(s);
  }

  /** Runs a task on this device's thread (restoring a subscription Milo dropped). */
  void runLater(Runnable task) {
    try {
      executor.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      log.debug("{} closed; task dropped", uri());
    }
  }

  /** Runs a task on this device's thread after the reconnect policy's delay for the given attempt. */
  void retryLater(Runnable task, int attempt) {
    long delay = options.reconnectPolicy().delay(attempt, ThreadLocalRandom.current().nextDouble()).toNanos();
    try {
      executor.schedule(task, delay, TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      log.debug("{} closed; retry dropped", uri());
    }
  }

  /**
   * Queues a call of a sample listener. Every delivery of every subscription of this device (data, gaps, heartbeats,
   * failed items) goes through this one queue, so a listener is never called by two threads at once, always in the
   * order the deliveries were queued, and never while a lock of ours is held.
   */
  void deliver(Runnable call) {
    try {
      delivery.execute(call);
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      log.debug("{} closed; delivery dropped", uri());
    }
  }

  OpcUaClient currentClient() {
    return sessionActive ? client : null;
  }

  DeviceOptions options() {
    return options;
  }

  @Override
  public ConnectionState state() {
    return tracker.state();
  }

  /** The tracker's notifier: the delivery thread, or in place once it has ended (or from it). */
  private void tell(Runnable r) {
    if (Thread.currentThread() == deliveryThread) {
      r.run();
      return;
    }
    try {
      delivery.execute(r);
    } catch (java.util.concurrent.RejectedExecutionException closed) {
      r.run();
    }
  }

  @Override
  public DeviceMetrics metrics() {
    return traffic;
  }

  @Override
  public CompletableFuture<Void> whenConnected() {
    return tracker.whenConnected();
  }

  @Override
  public CompletableFuture<Void> whenConnected(java.time.Duration timeout) {
    return tracker.whenConnected(timeout);
  }

  @Override
  public void addStateListener(StateListener listener) {
    tracker.addListener(listener);
  }

  @Override
  public void removeStateListener(StateListener listener) {
    tracker.removeListener(listener);
  }

  @Override
  public void close() {
    if (!tracker.transition(ConnectionState.CLOSED, null)) return;
    for (MiloSubscription s : List.copyOf(subscriptions)) s.closeQuietly();
    subscriptions.clear();
    executor.shutdownNow();
    delivery.shutdown();
    OpcUaClient c = client;
    client = null;
    sessionActive = false;
    if (c != null) {
      try {
        c.disconnectAsync().get(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.debug("{}: disconnect did not complete cleanly", uri(), e);
      }
    }
    try {
      executor.awaitTermination(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
      // A listener may close the device itself; it cannot wait for its own return.
      if (Thread.currentThread() != deliveryThread
          && !delivery.awaitTermination(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        tracker.flush(); // a listener is stuck: tell CLOSED out of turn rather than never
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "OpcUaDevice{" + uri() + ", " + state() + (security.isEmpty() ? "" : ", " + security) + "}";
  }
}
