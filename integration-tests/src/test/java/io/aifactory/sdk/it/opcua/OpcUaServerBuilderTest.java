package io.aifactory.sdk.it.opcua;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.opcua.server.OpcUaResultServer;
import io.aifactory.sdk.testkit.opcua.OpcUaSimulator;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.eclipse.milo.opcua.stack.core.security.SecurityPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both public OPC UA server builders share one definition of the server options, so a check made by one is made
 * by the other; before, their copies had drifted apart. Nothing here starts a server.
 */
class OpcUaServerBuilderTest {
  private static OpcUaResultServer.Builder results() {
    return OpcUaResultServer.newBuilder().pipelineResults("Line1");
  }

  private static OpcUaSimulator.Builder simulator() {
    return OpcUaSimulator.newBuilder().tags(List.of(OpcUaTestSupport.FLOAT64));
  }

  @Test
  void shouldRefuseNoHostnamesWhenSetOnBoth() {
    // The results server's copy took an empty list and failed only when built.
    assertEquals("hostnames is empty",
        assertThrows(IllegalArgumentException.class, () -> results().hostnames(List.of())).getMessage());
    assertEquals("hostnames is empty",
        assertThrows(IllegalArgumentException.class, () -> simulator().hostnames(List.of())).getMessage());
  }

  @Test
  void shouldRefuseSecurityPolicyNoneAsAPolicyWhenSetOnBoth() {
    // The simulator's copy took it and failed only when built; the results server had no such setter.
    Set<SecurityPolicy> none = EnumSet.of(SecurityPolicy.None, SecurityPolicy.Basic256Sha256);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> results().securityPolicies(none))
        .getMessage().contains("securityNone(true)"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> simulator().securityPolicies(none))
        .getMessage().contains("securityNone(true)"));
  }

  @Test
  void shouldRefuseAServerNobodyCouldLogInToOnBoth(@TempDir Path pki) {
    ConfigurationException r = assertThrows(ConfigurationException.class,
        () -> results().pkiDir(pki).anonymous(false).build());
    ConfigurationException s = assertThrows(ConfigurationException.class,
        () -> simulator().pkiDir(pki).anonymous(false).build());
    assertEquals(r.getMessage(), s.getMessage());
    assertTrue(r.getMessage().contains("anonymous(true)"), r.getMessage());
    // Certificate users are a way in on both (the results server's copy knew only users and anonymous).
    results().pkiDir(pki).certificateUsers(true).build().close();
    simulator().pkiDir(pki).anonymous(false).certificateUsers(true).build().close();
  }

  @Test
  void shouldRefuseAServerWithoutEndpointsOnBoth(@TempDir Path pki) {
    Set<SecurityPolicy> noPolicies = EnumSet.noneOf(SecurityPolicy.class);
    assertThrows(ConfigurationException.class,
        () -> results().pkiDir(pki).anonymous(true).securityNone(false).securityPolicies(noPolicies).build());
    assertThrows(ConfigurationException.class,
        () -> simulator().pkiDir(pki).securityNone(false).securityPolicies(noPolicies).build());
  }

  @Test
  void shouldRequireAPkiFolderOnBoth() {
    assertThrows(IllegalStateException.class, () -> results().anonymous(true).build());
    assertThrows(IllegalStateException.class, () -> simulator().build());
  }
}
