package io.aifactory.sdk.testkit.scenario.internal;

import io.aifactory.sdk.core.AddressException;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.opcua.OpcUaDriver;
import io.aifactory.sdk.testkit.SimulatedServer;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import io.aifactory.sdk.testkit.scenario.ScenarioDevice;
import io.aifactory.sdk.testkit.scenario.ScenarioTag;
import io.aifactory.sdk.testkit.scenario.SimulatorFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/**
 * Kind {@code opcua}: an {@link OpcUaSimulator} serving the device's tags (NodeIds in namespace 2). Options:
 * {@code pkiDir} (the server's certificate folder; default one in the run's work directory, so a fresh certificate
 * each run), {@code securityNone} (offer SecurityPolicy None too; default true), {@code anonymous} (default true),
 * {@code username} and {@code password} (a user), {@code trustAllClients} (default true), {@code bindAddress}
 * (default 127.0.0.1; another address adds this machine's host name to the endpoint URLs and certificate).
 */
public final class OpcUaSimulatorFactory implements SimulatorFactory {
  private static final String OPTIONS = "anonymous, bindAddress, password, pkiDir, securityNone, securityPolicies, trustAllClients, username";

  @Override
  public String kind() {
    return "opcua";
  }

  @Override
  public void checkAddress(Tag tag) {
    new OpcUaDriver().checkAddress(tag);
    String a = tag.address().trim();
    if (!a.startsWith("ns=2;") && !a.startsWith("nsu=" + OpcUaSimulator.NAMESPACE_URI + ";")) {
      throw new AddressException("tag '" + tag.name() + "': address '" + tag.address() + "' is not in the simulator's namespace (use ns=2;… or nsu="
          + OpcUaSimulator.NAMESPACE_URI + ";…)");
    }
  }

  @Override
  public void checkOptions(Map<String, String> options) {
    for (Map.Entry<String, String> e : options.entrySet()) {
      switch (e.getKey()) {
        case "securityNone":
        case "anonymous":
        case "trustAllClients":
          bool(e.getKey(), e.getValue());
          break;
        case "securityPolicies":
          policies(e.getValue());
          break;
        case "pkiDir":
        case "bindAddress":
        case "username":
        case "password":
          break;
        default:
          throw new IllegalArgumentException("unknown option '" + e.getKey() + "' (expected " + OPTIONS + ")");
      }
    }
    if (options.containsKey("username") != options.containsKey("password")) {
      throw new IllegalArgumentException("username and password go together");
    }
  }

  @Override
  public SimulatedServer start(ScenarioDevice device, int port, Path workDirectory) {
    Map<String, String> o = device.options();
    List<Tag> tags = new ArrayList<>();
    for (ScenarioTag t : device.tags()) tags.add(t.tag());
    Path pki = o.containsKey("pkiDir") ? Path.of(o.get("pkiDir")) : workDirectory.resolve(device.name()).resolve("pki");
    OpcUaSimulator.Builder b = OpcUaSimulator.newBuilder()
        .tags(tags)
        .port(port)
        .pkiDir(pki)
        .securityNone(bool("securityNone", o.getOrDefault("securityNone", "true")))
        .anonymous(bool("anonymous", o.getOrDefault("anonymous", "true")))
        .trustAllClients(bool("trustAllClients", o.getOrDefault("trustAllClients", "true")));
    if (o.containsKey("securityPolicies")) b.securityPolicies(policies(o.get("securityPolicies")));
    if (o.containsKey("username")) b.user(o.get("username"), o.get("password"));
    String bind = o.getOrDefault("bindAddress", "127.0.0.1");
    b.bindAddress(bind);
    if (!bind.startsWith("127.") && !bind.equals("localhost")) b.hostnames(hostnames());
    OpcUaSimulator simulator = b.build();
    try {
      simulator.start();
    } catch (RuntimeException e) {
      simulator.close();
      throw new IllegalStateException("device '" + device.name() + "': cannot start the OPC UA simulator on port " + port + ": " + e.getMessage(), e);
    }
    return simulator;
  }

  /**
   * Parses a comma-separated list of SecurityPolicy names ({@code "Basic256Sha256, Aes128_Sha256_RsaOaep"}); an empty
   * list leaves only SecurityPolicy None (with {@code securityNone}), as many shop-floor servers are configured.
   */
  private static Set<SecurityPolicy> policies(String value) {
    Set<SecurityPolicy> policies = EnumSet.noneOf(SecurityPolicy.class);
    for (String name : value.split(",")) {
      String n = name.trim();
      if (n.isEmpty()) continue;
      try {
        SecurityPolicy p = SecurityPolicy.valueOf(n);
        if (p == SecurityPolicy.None) throw new IllegalArgumentException("securityPolicies: None is the securityNone option, not a policy to list");
        policies.add(p);
      } catch (IllegalArgumentException e) {
        if (e.getMessage().startsWith("securityPolicies")) throw e;
        throw new IllegalArgumentException("securityPolicies: unknown policy '" + n + "' (expected names such as Basic256Sha256)");
      }
    }
    return policies;
  }

  /** Returns this machine's name first, so that clients elsewhere get an endpoint URL they can reach. */
  private static List<String> hostnames() {
    List<String> names = new ArrayList<>();
    try {
      names.add(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      // no resolvable host name: loopback names only
    }
    names.add("localhost");
    names.add("127.0.0.1");
    return names;
  }

  private static boolean bool(String name, String text) {
    switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(name + ": expected true or false, found '" + text + "'");
    }
  }
}
