package io.aifactory.sdk.opcua.server;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Quality;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.internal.NodeIdAddress;
import io.aifactory.sdk.opcua.internal.StatusMapping;
import io.aifactory.sdk.opcua.internal.Values;
import io.aifactory.sdk.opcua.internal.server.EmbeddedServer;
import io.aifactory.sdk.opcua.internal.server.ServerOptions;
import io.aifactory.sdk.opcua.internal.server.ServerVariable;
import io.aifactory.sdk.opcua.internal.server.TagNamespace;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.eclipse.milo.opcua.stack.core.StatusCodes;
import org.eclipse.milo.opcua.stack.core.types.builtin.DataValue;
import org.eclipse.milo.opcua.stack.core.types.builtin.DateTime;
import org.eclipse.milo.opcua.stack.core.types.builtin.StatusCode;

/**
 * An OPC UA server that publishes AI results as read-only variables in its own namespace, with the same security
 * rules as the client: its own certificate in a PKI folder, client certificates trusted through {@code trusted/},
 * users with passwords, and SecurityPolicy None and anonymous clients only if enabled.
 *
 * <p>Variables are named with dotted names, which become folders: {@code Line1.AnomalyScore} is variable
 * {@code AnomalyScore} in folder {@code Line1}, NodeId {@code nsu=<namespaceUri>;s=Line1.AnomalyScore} (namespace
 * index 2 on this server).
 *
 * <p>Publish through typed handles, looked up once when the application is wired: a misspelt name or a wrong
 * type then fails at start-up, not at the first result. A pipeline's results are published by an
 * {@link OpcUaResultPublisher}.
 *
 * <pre>{@code
 * try (OpcUaResultServer results = OpcUaResultServer.newBuilder()
 *     .port(4840)
 *     .pkiDir(Path.of("/var/lib/acme/pki"))
 *     .user("scada", secretFromVault)
 *     .pipelineResults("Line1")
 *     .build()) {
 *   ResultVariable<Double> score = results.variable("Line1.AnomalyScore", Double.class);
 *   ResultVariable<Boolean> alarm = results.variable("Line1.AlarmState", Boolean.class);
 *   results.start();
 *   score.set(0.93);
 *   alarm.set(true);
 * }
 * }</pre>
 *
 * <p>Until a value is first published, a variable reads as its type's zero with StatusCode
 * {@code Bad_WaitingForInitialData}: a client never takes the placeholder for a result.
 */
public final class OpcUaResultServer implements AutoCloseable {
  /** The variables {@link Builder#pipelineResults(String)} adds, after the prefix and a dot. */
  public static final String ANOMALY_SCORE = "AnomalyScore";
  public static final String ALARM_STATE = "AlarmState";
  public static final String PREDICTED_VALUE = "PredictedValue";
  public static final String MODEL_NAME = "ModelName";
  public static final String MODEL_VERSION = "ModelVersion";
  public static final String INFERENCE_LATENCY_MILLIS = "InferenceLatencyMillis";

  private final String namespaceUri;
  private final Map<String, ServerVariable> variables;
  private final EmbeddedServer server;

  private OpcUaResultServer(Builder b, ServerOptions options) {
    this.namespaceUri = b.namespaceUri;
    Map<String, ServerVariable> vars = new LinkedHashMap<>();
    for (Map.Entry<String, DataType> e : b.variables.entrySet()) {
      String name = e.getKey();
      Tag tag = Tag.of(name, "nsu=" + namespaceUri + ";s=" + name, e.getValue());
      ServerVariable v = new ServerVariable(tag, NodeIdAddress.parse(tag), List.of(name.split("\\.")), false,
          Double.NaN, Double.NaN, Values.zero(tag), null);
      v.set(new DataValue(v.value().getValue(), new StatusCode(StatusCodes.Bad_WaitingForInitialData), null,
          DateTime.now()));
      vars.put(name, v);
    }
    this.variables = vars;
    List<ServerVariable> list = new ArrayList<>(vars.values());
    this.server = new EmbeddedServer(options, s -> new TagNamespace(s, namespaceUri, list));
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  /** Starts listening; creates the server certificate in {@code own/} on first use. */
  public void start() {
    server.start();
  }

  /** Stops listening; values are kept for the next start. */
  public void stop() {
    server.stop();
  }

  @Override
  public void close() {
    server.close();
  }

  /** Returns {@code opc.tcp://<host>:<port>}, the URI clients connect to; the port is known once started. */
  public URI uri() {
    return URI.create("opc.tcp://localhost:" + server.port());
  }

  public int port() {
    return server.port();
  }

  public String namespaceUri() {
    return namespaceUri;
  }

  /** Returns the NodeId string clients use for a variable, e.g. {@code nsu=urn:…;s=Line1.AnomalyScore}. */
  public String nodeId(String name) {
    return serverVariable(name).tag().address();
  }

  /**
   * Returns a typed handle on a variable declared in the builder; the way to publish. Look handles up once, when
   * wiring the application, so that mistakes fail there.
   *
   * @param type the variable's Java type: {@code Double} for float64, {@code Boolean} for bool, {@code String} for
   *     string, … (see {@link ResultVariable})
   * @throws IllegalArgumentException naming the variable if it was not declared or is of another type
   */
  public <T> ResultVariable<T> variable(String name, Class<T> type) {
    return ResultVariable.of(serverVariable(name), type);
  }

  /** Returns the server's application certificate (for a client's {@code trusted/} folder); null before start. */
  public X509Certificate certificate() {
    return server.certificate();
  }

  /** Returns the folder whose {@code certs/} holds the client certificates this server trusts. */
  public Path trustedDir() {
    return server.pki().trustedDir();
  }

  /** Returns the folder where refused client certificates land. */
  public Path rejectedDir() {
    return server.pki().rejectedDir();
  }

  /** Returns the names of the published variables, in declaration order. */
  public List<String> names() {
    return List.copyOf(variables.keySet());
  }

  /**
   * Publishes a GOOD value: a {@code Number}, {@code Boolean} or {@code String} matching the variable's type.
   * Subscribed clients see it at their next sampling. Prefer a {@link #variable(String, Class) typed handle}, which
   * checks the name and type once.
   *
   * @throws IllegalArgumentException naming the variable if it is unknown or the value does not fit its type
   */
  public void publish(String name, Object value) {
    ServerVariable v = serverVariable(name);
    v.set(Values.toRaw(v.tag(), value));
  }

  /**
   * Marks a variable's value as not trustworthy (e.g. the model stalled), keeping its last value and source
   * timestamp; see {@link ResultVariable#setQuality}.
   */
  public void publishQuality(String name, Quality quality) {
    ServerVariable v = serverVariable(name);
    DataValue last = v.value();
    v.set(new DataValue(last.getValue(), StatusMapping.statusCode(quality), last.getSourceTime(), DateTime.now()));
  }

  /** Returns the value last published, in the form {@code Sample.value()} uses. */
  public Object get(String name) {
    ServerVariable v = serverVariable(name);
    return Values.toEngineering(v.tag(), v.value().getValue().getValue());
  }

  private ServerVariable serverVariable(String name) {
    ServerVariable v = variables.get(Objects.requireNonNull(name, "name"));
    if (v == null) throw new IllegalArgumentException("no result variable '" + name + "' (known: " + variables.keySet() + ")");
    return v;
  }

  /**
   * Builds an {@link OpcUaResultServer}; the PKI folder and at least one variable are required. The server options
   * and their defaults are those of {@link ServerBuilder}: port 4840, SecurityPolicy None and anonymous clients only
   * if enabled, so a client logs in as a {@link #user} unless {@link #anonymous} is asked for.
   */
  public static final class Builder extends ServerBuilder<Builder> {
    private String namespaceUri = "urn:aifactory:ai-results";
    private final Map<String, DataType> variables = new LinkedHashMap<>();

    private Builder() {
      super("urn:aifactory:ai-results:server", "AI Factory results server");
    }

    @Override
    protected Builder self() {
      return this;
    }

    public Builder namespaceUri(String namespaceUri) {
      this.namespaceUri = Objects.requireNonNull(namespaceUri, "namespaceUri");
      return this;
    }

    /** Adds a read-only variable; a dotted name places it in folders. */
    public Builder variable(String name, DataType type) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (name.isBlank()) throw new IllegalArgumentException("variable name is empty");
      if (variables.putIfAbsent(name, type) != null) throw new IllegalArgumentException("variable '" + name + "' added twice");
      return this;
    }

    /**
     * Adds the usual results of one pipeline under {@code prefix}: AnomalyScore (float64), AlarmState (bool),
     * PredictedValue (float64), ModelName and ModelVersion (string), InferenceLatencyMillis (float64).
     */
    public Builder pipelineResults(String prefix) {
      return variable(prefix + "." + ANOMALY_SCORE, DataType.FLOAT64)
          .variable(prefix + "." + ALARM_STATE, DataType.BOOL)
          .variable(prefix + "." + PREDICTED_VALUE, DataType.FLOAT64)
          .variable(prefix + "." + MODEL_NAME, DataType.STRING)
          .variable(prefix + "." + MODEL_VERSION, DataType.STRING)
          .variable(prefix + "." + INFERENCE_LATENCY_MILLIS, DataType.FLOAT64);
    }

    /**
     * Adds {@link #pipelineResults(String) the usual results} of each machine of a pipeline under
     * {@code <pipeline>.<machine>}, e.g. {@code spindles.spindle2.AnomalyScore}: the layout an
     * {@link OpcUaResultPublisher} publishes to.
     */
    public Builder pipelineResults(String pipeline, List<String> machines) {
      Objects.requireNonNull(pipeline, "pipeline");
      if (machines.isEmpty()) throw new IllegalArgumentException("pipeline '" + pipeline + "': machines is empty");
      for (String machine : machines) {
        pipelineResults(pipeline + "." + machine);
      }
      return this;
    }

    /**
     * @throws IllegalStateException if the PKI folder is not set or there are no variables
     * @throws ConfigurationException if no client could log in or there is no endpoint to offer
     */
    public OpcUaResultServer build() {
      ServerOptions options = options();
      if (variables.isEmpty()) throw new IllegalStateException("no variables to publish");
      return new OpcUaResultServer(this, options);
    }
  }
}
