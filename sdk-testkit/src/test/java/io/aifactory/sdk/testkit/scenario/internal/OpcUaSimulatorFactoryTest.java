package io.aifactory.sdk.testkit.scenario.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OpcUaSimulatorFactoryTest {
  private final OpcUaSimulatorFactory factory = new OpcUaSimulatorFactory();

  @Test
  void shouldAcceptAnEmptyOrNamedListOfSecurityPolicies() {
    assertDoesNotThrow(() -> factory.checkOptions(Map.of("securityPolicies", "")));
    assertDoesNotThrow(() -> factory.checkOptions(Map.of("securityPolicies", "Basic256Sha256, Aes128_Sha256_RsaOaep")));
  }

  @Test
  void shouldRefuseAnUnknownSecurityPolicyOrNoneInTheList() {
    assertEquals("securityPolicies: unknown policy 'Basic512' (expected names such as Basic256Sha256)",
        assertThrows(IllegalArgumentException.class, () -> factory.checkOptions(Map.of("securityPolicies", "Basic512"))).getMessage());
    assertEquals("securityPolicies: None is the securityNone option, not a policy to list",
        assertThrows(IllegalArgumentException.class, () -> factory.checkOptions(Map.of("securityPolicies", "None"))).getMessage());
  }
}
