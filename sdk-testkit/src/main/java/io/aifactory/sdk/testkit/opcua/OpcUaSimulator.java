package io.aifactory.sdk.testkit.opcua;

import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.internal.NodeIdAddress;
import io.aifactory.sdk.opcua.internal.Values;
import io.aifactory.sdk.opcua.internal.server.EmbeddedServer;
import io.aifactory.sdk.opcua.internal.server.ServerOptions;
import io.aifactory.sdk.opcua.internal.server.ServerVariable;
import io.aifactory.sdk.opcua.internal.server.TagNamespace;
import io.aifactory.sdk.opcua.server.ServerBuilder;
import io.aifactory.sdk.testkit.RecordedWrite;
import io.aifactory.sdk.testkit.SimulatedServer;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.ExpandedNodeId;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;
import org.eclipse.milo.opcua.stack.core.types.builtin.unsigned.UShort;

/**
 * A simulated OPC UA server whose namespace is built from tag definitions: each tag is a variable with the NodeId
 * of its address ({@code ns=2;s=Line1.Temperature} — this server's namespace is index 2, URI
 * {@link #NAMESPACE_URI}) in folders made from its dotted name. Values are set in engineering units and clients'
 * writes are range-checked, applied and recorded.
 *
 * <pre>{@code
 * try (OpcUaSimulator sim = OpcUaSimulator.newBuilder()
 *     .tags(tags)
 *     .pkiDir(tempDir)
 *     .securityNone(true)
 *     .user("operator", "secret")
 *     .range("line1.setpoint", 0, 100)
 *     .build()) {
 *   sim.start();
 *   sim.set("line1.temperature", 21.5);
 *   ...
 * }
 * }</pre>
 *
 * <p>No thread runs before {@link #start()}. The server certificate is created in {@code pkiDir/own} at the first
 * start and reused after restarts, so clients that trusted it keep trusting it.
 */
public final class OpcUaSimulator implements SimulatedServer {
  /** The namespace URI of the simulated tags (namespace index 2). */
  public static final String NAMESPACE_URI = "urn:aifactory:testkit:opcua-simulator";

  private final List<Tag> tags;
  private final Map<String, ServerVariable> variables = new LinkedHashMap<>();
  private final List<RecordedWrite> writes = Collections.synchronizedList(new ArrayList<>());
  private final EmbeddedServer server;
  private final String host;

  private OpcUaSimulator(Builder b, ServerOptions options) {
    this.tags = List.copyOf(b.tags);
    this.host = options.hostnames().get(0);
    UShort index = UShort.valueOf(2);
    for (Tag tag : tags) {
      ExpandedNodeId id = NodeIdAddress.parse(tag);
      if (id.getNamespaceUri() != null ? !NAMESPACE_URI.equals(id.getNamespaceUri()) : !index.equals(id.getNamespaceIndex())) {
        throw new IllegalArgumentException("tag '" + tag.name() + "': address '" + tag.address()
            + "' is not in the simulator's namespace (use ns=2;… or nsu=" + NAMESPACE_URI + ";…)");
      }
      double[] range = b.ranges.get(tag.name());
      double min = Double.NaN;
      double max = Double.NaN;
      if (range != null) {
        double a = tag.toRaw(range[0]);
        double c = tag.toRaw(range[1]);
        min = Math.min(a, c);
        max = Math.max(a, c);
      }
      ServerVariable v = new ServerVariable(tag, id, List.of(tag.name().split("\\.")), !b.readOnly.contains(tag.name()),
          min, max, Values.zero(tag), this::recordWrite);
      if (variables.put(tag.name(), v) != null) throw new IllegalArgumentException("tag '" + tag.name() + "' declared twice");
    }
    for (String name : b.ranges.keySet()) variable(name);
    for (String name : b.readOnly) variable(name);
    List<ServerVariable> list = new ArrayList<>(variables.values());
    this.server = new EmbeddedServer(options, s -> new TagNamespace(s, NAMESPACE_URI, list));
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  private void recordWrite(ServerVariable v, Object raw) {
    writes.add(new RecordedWrite(v.tag().name(), Values.toEngineering(v.tag(), raw), Instant.now()));
  }

  private ServerVariable variable(String tagName) {
    ServerVariable v = variables.get(Objects.requireNonNull(tagName, "tagName"));
    if (v == null) throw new IllegalArgumentException("unknown tag '" + tagName + "' (known: " + variables.keySet() + ")");
    return v;
  }

  /** Returns {@code opc.tcp://localhost:<port>}; the port is known once started. */
  @Override
  public URI uri() {
    return URI.create("opc.tcp://" + host + ":" + server.port());
  }

  @Override
  public int port() {
    return server.port();
  }

  @Override
  public List<Tag> tags() {
    return tags;
  }

  @Override
  public void set(String tagName, Object value) {
    ServerVariable v = variable(tagName);
    v.set(Values.toRaw(v.tag(), value));
  }

  /**
   * Sets a tag's OPC UA StatusCode (e.g. {@code 0x40900000L}, Uncertain_LastUsableValue, or {@code 0x808C0000L},
   * Bad_SensorFailure), keeping its value, as a device flags a doubtful sensor.
   */
  public void setStatus(String tagName, long statusCode) {
    ServerVariable v = variable(tagName);
    DateTime now = DateTime.now();
    v.set(new DataValue(v.value().getValue(), new StatusCode(statusCode), now, now));
  }

  @Override
  public Object get(String tagName) {
    ServerVariable v = variable(tagName);
    return Values.toEngineering(v.tag(), v.value().getValue().getValue());
  }

  @Override
  public List<RecordedWrite> writes() {
    synchronized (writes) {
      return List.copyOf(writes);
    }
  }

  @Override
  public void dropConnections() {
    server.dropConnections();
  }

  @Override
  public void stall(boolean stalled) {
    server.stall(stalled);
  }

  @Override
  public void delayReplies(Duration delay) {
    server.delayReplies(delay);
  }

  /** Closes every client session (and its subscriptions) while keeping the connections open. */
  public void closeSessions() {
    server.closeSessions();
  }

  /** Stops ({@code false}) or resumes publishing on every subscription: clients get keep-alives but no data. */
  public void publishing(boolean enabled) {
    server.publishing(enabled);
  }

  /** Returns how many sessions are open (for tests that wait for a client). */
  public int sessionCount() {
    return server.sessionCount();
  }

  @Override
  public void stop() {
    server.stop();
  }

  /** Starts listening; the first start creates the server certificate and picks the port if it was 0. */
  @Override
  public void start() {
    server.start();
  }

  @Override
  public void close() {
    server.close();
  }

  /** Returns the server's certificate, for a client's {@code trusted/certs}; null before the first start. */
  public X509Certificate certificate() {
    return server.certificate();
  }

  /** Trusts a client certificate (needed only when built with {@code trustAllClients(false)}). */
  public void trustClient(X509Certificate certificate) {
    server.pki().trust(certificate);
  }

  /** Returns the folder where refused client certificates land. */
  public Path rejectedDir() {
    return server.pki().rejectedDir();
  }

  @Override
  public String toString() {
    return "OpcUaSimulator{" + uri() + ", " + tags.size() + " tags}";
  }

  /**
   * Builds an {@link OpcUaSimulator}; tags and the PKI folder are required. The server options are those of
   * {@link ServerBuilder}, with defaults for tests on one machine: a free port, 127.0.0.1 announced as localhost (the
   * first host name is the host of {@link OpcUaSimulator#uri()}), SecurityPolicy None as well as Basic256Sha256,
   * anonymous clients, and every client certificate trusted.
   */
  public static final class Builder extends ServerBuilder<Builder> {
    private final List<Tag> tags = new ArrayList<>();
    private final Map<String, double[]> ranges = new HashMap<>();
    private final Set<String> readOnly = new HashSet<>();

    private Builder() {
      super("urn:aifactory:testkit:opcua-simulator:server", "AI Factory simulated OPC UA server");
      port(0).bindAddress("127.0.0.1").hostnames(List.of("localhost", "127.0.0.1"))
          .securityNone(true).securityPolicies(EnumSet.of(SecurityPolicy.Basic256Sha256))
          .anonymous(true).trustAllClients(true);
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder tags(List<Tag> tags) {
      this.tags.addAll(tags);
      return this;
    }

    public Builder tag(Tag tag) {
      tags.add(Objects.requireNonNull(tag, "tag"));
      return this;
    }

    /** Accepts every client certificate (default true); false requires {@link OpcUaSimulator#trustClient}. */
    @Override
    public Builder trustAllClients(boolean trustAllClients) {
      return super.trustAllClients(trustAllClients);
    }

    /** Limits clients' writes to a tag to [min, max] in engineering units; others fail with Bad_OutOfRange. */
    public Builder range(String tagName, double min, double max) {
      if (!(min <= max)) throw new IllegalArgumentException("min > max: " + min + " > " + max);
      ranges.put(Objects.requireNonNull(tagName, "tagName"), new double[] {min, max});
      return this;
    }

    /** Makes tags read-only for clients (writes fail with Bad_NotWritable); tags are writable by default. */
    public Builder readOnly(String... tagNames) {
      readOnly.addAll(List.of(tagNames));
      return this;
    }

    /**
     * @throws IllegalStateException if the PKI folder is not set
     * @throws IllegalArgumentException if a tag's address is not in the simulator's namespace or a range or
     *     read-only name is not a tag
     */
    public OpcUaSimulator build() {
      return new OpcUaSimulator(this, options());
    }
  }
}
