package io.aifactory.sdk.sparkplug.internal;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.SampleBatch;
import io.aifactory.sdk.core.Subscription;
import io.aifactory.sdk.core.SubscriptionOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.app.AppContext;
import io.aifactory.sdk.core.app.Sink;
import io.aifactory.sdk.core.app.SinkProvider;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.pipeline.AlarmEvent;
import io.aifactory.sdk.core.pipeline.MachineResult;
import io.aifactory.sdk.core.pipeline.PipelineAction;
import io.aifactory.sdk.sparkplug.SparkplugDevice;
import io.aifactory.sdk.sparkplug.SparkplugEdgeNode;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Sink type {@code sparkplug} of a JSON app: a {@link SparkplugEdgeNode} from the sink's fields (documented in the
 * module's README). Secrets (the broker password, key store passwords) are read from an environment variable or a
 * file named in the config, never from the config itself, and no message of this class holds one.
 */
public final class SparkplugSinkProvider implements SinkProvider {
  @Override
  public String type() {
    return "sparkplug";
  }

  @Override
  public Sink open(ConfigNode node, AppContext context) {
    node.checkFields("name", "type", "samples", "broker", "groupId", "edgeNodeId", "clientId", "credentials", "tls",
        "bufferDirectory", "bufferMaxBytes", "keepAlive", "publishTimeout", "dataQos", "primaryHostId", "devices");
    String name = node.text("name");
    SparkplugEdgeNode.Builder b = SparkplugEdgeNode.newBuilder();
    List<Reading> readings = new ArrayList<>();
    SparkplugEdgeNode edgeNode;
    try {
      b.broker(node.convert("broker", URI::create));
      b.groupId(node.text("groupId")).edgeNodeId(node.text("edgeNodeId"));
      if (node.has("clientId")) {
        b.clientId(node.text("clientId"));
      }
      if (node.has("credentials")) {
        credentials(node.object("credentials"), context, b);
      }
      if (node.has("tls")) {
        tls(node.object("tls"), context, b);
      }
      if (node.has("bufferDirectory")) {
        b.bufferDirectory(context.baseDirectory().resolve(node.text("bufferDirectory")));
      }
      if (node.has("bufferMaxBytes")) {
        b.bufferMaxBytes(node.integer("bufferMaxBytes", 0));
      }
      if (node.has("keepAlive")) {
        b.keepAlive(node.duration("keepAlive", null));
      }
      if (node.has("publishTimeout")) {
        b.publishTimeout(node.duration("publishTimeout", null));
      }
      if (node.has("primaryHostId")) {
        b.primaryHostId(node.text("primaryHostId"));
      }
      if (node.has("dataQos")) {
        b.dataQos((int) node.integer("dataQos", 0));
      }
      for (ConfigNode d : node.array("devices")) {
        b.device(device(d, context, readings));
      }
      edgeNode = b.build();
    } catch (IllegalArgumentException e) {
      throw node.error("", "sink '" + name + "': " + e.getMessage(), e);
    }
    edgeNode.start();
    AppSink sink = new AppSink(edgeNode);
    try {
      // Subscribed once the node has started, so that the first values go into its births.
      for (Reading r : readings) {
        sink.subscriptions.add(r.device.subscribe(r.tags, SubscriptionOptions.every(r.every), edgeNode));
      }
    } catch (RuntimeException e) {
      sink.close();
      throw e;
    }
    return sink;
  }

  /** A device's tags the node reads itself. */
  private static final class Reading {
    final Device device;
    final List<Tag> tags;
    final Duration every;

    Reading(Device device, List<Tag> tags, Duration every) {
      this.device = device;
      this.tags = tags;
      this.every = every;
    }
  }

  private static SparkplugDevice device(ConfigNode d, AppContext context, List<Reading> readings) {
    d.checkFields("name", "device", "tags", "every", "machines", "writable");
    SparkplugDevice.Builder sd;
    try {
      sd = SparkplugDevice.newBuilder(d.text("name"));
    } catch (IllegalArgumentException e) {
      throw d.error("name", e.getMessage(), e);
    }
    Device connection = null;
    if (d.has("device")) {
      connection = context.device(d, "device");
      sd.connection(connection);
    }
    if (d.has("tags")) {
      if (connection == null) {
        throw d.error("tags", "tags need a \"device\" to read them from");
      }
      List<Tag> tags = context.tags(d, "tags", d.text("device"));
      sd.tags(tags);
      readings.add(new Reading(connection, tags, d.duration("every", Duration.ofSeconds(1))));
    } else if (d.has("every")) {
      throw d.error("every", "no tags to read every " + d.text("every"));
    }
    if (d.has("machines")) {
      ConfigNode machines = d.object("machines");
      for (ConfigNode m : machines.fields()) {
        try {
          sd.machine(m.name(), machines.strings(m.name()));
        } catch (IllegalArgumentException e) {
          throw m.error("", e.getMessage(), e);
        }
      }
    }
    if (d.has("writable")) {
      context.guards(d, "writable").forEach(sd::writable);
    }
    return sd.build();
  }

  private static void credentials(ConfigNode c, AppContext context, SparkplugEdgeNode.Builder b) {
    if (c.has("password")) {
      // The value is not echoed: it is a secret that just went into a file it should not be in.
      throw c.error("password", "inline passwords are refused; use passwordEnv (an environment variable's name) or"
          + " passwordFile (a file's path)");
    }
    c.checkFields("username", "usernameEnv", "passwordEnv", "passwordFile");
    String username = c.has("usernameEnv") ? env(c, "usernameEnv") : c.text("username");
    if (c.has("usernameEnv") && c.has("username")) {
      throw c.error("username", "expected username or usernameEnv, not both");
    }
    char[] password = secret(c, "password", context, true);
    try {
      b.credentials(username, password);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private static void tls(ConfigNode t, AppContext context, SparkplugEdgeNode.Builder b) {
    t.checkFields("trustStore", "trustStorePasswordEnv", "trustStorePasswordFile", "keyStore", "keyStorePasswordEnv",
        "keyStorePasswordFile");
    TrustManagerFactory trust = null;
    KeyManagerFactory keys = null;
    try {
      if (t.has("trustStore")) {
        char[] password = secret(t, "trustStorePassword", context, false);
        KeyStore store = load(t, "trustStore", context, password);
        trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
      }
      if (t.has("keyStore")) {
        char[] password = secret(t, "keyStorePassword", context, true);
        KeyStore store = load(t, "keyStore", context, password);
        keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, password);
        Arrays.fill(password, '\0');
      }
    } catch (GeneralSecurityException e) {
      throw t.error("", "cannot use the key material: " + e.getClass().getSimpleName(), e);
    }
    b.tls(trust, keys);
  }

  private static KeyStore load(ConfigNode t, String field, AppContext context, char[] password) {
    Path file = context.baseDirectory().resolve(t.text(field));
    try {
      // The type (PKCS12 or JKS) is found from the file itself.
      return KeyStore.getInstance(file.toFile(), password);
    } catch (IOException | GeneralSecurityException e) {
      // The cause's message may say "password was incorrect"; it never holds the password.
      throw t.error(field, "cannot load " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads the secret named {@code <base>Env} (an environment variable) or {@code <base>File} (a file, one line);
   * returns null if neither is given and it is optional.
   */
  private static char[] secret(ConfigNode c, String base, AppContext context, boolean required) {
    boolean env = c.has(base + "Env");
    boolean file = c.has(base + "File");
    if (env && file) {
      throw c.error(base + "File", "expected " + base + "Env or " + base + "File, not both");
    }
    if (env) {
      return env(c, base + "Env").toCharArray();
    }
    if (file) {
      Path path = context.baseDirectory().resolve(c.text(base + "File"));
      try {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        // One line; the end of line an editor adds is not part of it.
        return text.strip().toCharArray();
      } catch (IOException e) {
        throw c.error(base + "File", "cannot read " + path + ": " + e.getClass().getSimpleName(), e);
      }
    }
    if (required) {
      throw c.error("", "missing " + base + "Env or " + base + "File");
    }
    return null;
  }

  private static String env(ConfigNode c, String field) {
    String variable = c.text(field);
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      throw c.error(field, "environment variable " + variable + " is not set");
    }
    return value;
  }

  /** The app's view of an edge node, with the subscriptions that feed it its devices' tags. */
  private static final class AppSink implements Sink {
    private final SparkplugEdgeNode node;
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final PipelineAction results;

    AppSink(SparkplugEdgeNode node) {
      this.node = node;
      this.results = node.pipelineAction();
    }

    @Override
    public void onResult(MachineResult result) {
      results.onResult(result);
    }

    @Override
    public void onAlarm(AlarmEvent event) {
      node.onAlarm(event);
    }

    @Override
    public void onSamples(String source, SampleBatch batch) {
      node.onSamples(batch); // rows of tags no device publishes are ignored by the node
    }

    @Override
    public void close() {
      for (Subscription s : subscriptions) {
        try {
          s.close();
        } catch (RuntimeException e) {
          // closing the node matters more; a subscription that cannot close dies with its device
        }
      }
      node.close();
    }

    @Override
    public String toString() {
      return node.toString();
    }
  }
}
