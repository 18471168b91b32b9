package io.aifactory.sdk.opcua.internal.server;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;

/**
 * The options of an {@link EmbeddedServer}, made and checked by {@link io.aifactory.sdk.opcua.server.ServerBuilder}
 * (the one place that checks them); immutable.
 *
 * @param port the port, or 0 for one picked at the first start
 * @param securityPolicies the secure policies offered, each with Sign and SignAndEncrypt (never None)
 * @param users user names and their passwords
 */
public record ServerOptions(int port, String bindAddress, List<String> hostnames, Path pkiDir, String applicationUri,
    String applicationName, boolean securityNone, Set<SecurityPolicy> securityPolicies, boolean anonymous,
    Map<String, String> users, boolean trustAllClients, boolean certificateUsers) {

  public ServerOptions {
    hostnames = List.copyOf(hostnames);
    securityPolicies = Set.copyOf(securityPolicies);
    users = Map.copyOf(users);
  }

  /** Hides the passwords. */
  @Override
  public String toString() {
    return "ServerOptions[" + applicationUri + " on " + bindAddress + ":" + port + ", users " + users.keySet() + "]";
  }
}
