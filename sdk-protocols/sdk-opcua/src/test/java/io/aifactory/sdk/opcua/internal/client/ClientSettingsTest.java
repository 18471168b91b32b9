package io.aifactory.sdk.opcua.internal.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.opcua.OpcUaProperties;
import java.net.URI;
import org.eclipse.milo.opcua.stack.core.types.enumerated.UserTokenType;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {
  @Test
  void shouldBeSecureByDefault() {
    ClientSettings s = ClientSettings.of(URI.create("opc.tcp://plc:4840"), DeviceOptions.defaults());
    assertFalse(s.allowSecurityNone);
    assertFalse(s.trustOnFirstUse);
    assertTrue(s.hostnameCheck);
    assertEquals(UserTokenType.Anonymous, s.identity);
    assertEquals("opc.tcp://plc:4840", s.endpointUrl);
  }

  @Test
  void shouldTakeCredentialsFromTheUriButNeverShowThem() {
    ClientSettings s = ClientSettings.of(URI.create("opc.tcp://operator:top%40secret@plc:4841/ua?allowSecurityNone=true&password=x2"),
        DeviceOptions.defaults());
    assertEquals("operator", s.username);
    assertEquals("top@secret", s.password, "the user info wins over a password in the query");
    assertEquals(UserTokenType.UserName, s.identity);
    assertTrue(s.allowSecurityNone);
    assertEquals("opc.tcp://plc:4841/ua?allowSecurityNone=true", s.publicUri.toString());
    assertFalse(s.publicUri.toString().contains("secret"));
    assertFalse(s.publicUri.toString().contains("operator"));
  }

  @Test
  void shouldLetOptionsWinOverTheUri() {
    DeviceOptions options = DeviceOptions.newBuilder().property(OpcUaProperties.ALLOW_SECURITY_NONE, "false")
        .property(OpcUaProperties.USERNAME, "u").property(OpcUaProperties.PASSWORD, "p").build();
    ClientSettings s = ClientSettings.of(URI.create("opc.tcp://plc:4840?allowSecurityNone=true"), options);
    assertFalse(s.allowSecurityNone);
    assertEquals("u", s.username);
  }

  @Test
  void shouldRefuseMisconfigurationWithoutEchoingThePassword() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> ClientSettings.of(
        URI.create("opc.tcp://plc:4840"), DeviceOptions.newBuilder().property(OpcUaProperties.IDENTITY, "username").build()));
    assertTrue(e.getMessage().contains("username") && e.getMessage().contains("password"), e.getMessage());
    e = assertThrows(ConfigurationException.class, () -> ClientSettings.of(URI.create("opc.tcp://plc:4840"),
        DeviceOptions.newBuilder().property(OpcUaProperties.ALLOW_SECURITY_NONE, "yes").build()));
    assertTrue(e.getMessage().contains("allowSecurityNone"), e.getMessage());
    e = assertThrows(ConfigurationException.class, () -> ClientSettings.of(URI.create("opc.tcp:///nohost"),
        DeviceOptions.defaults()));
    assertTrue(e.getMessage().contains("no host"), e.getMessage());
  }

  @Test
  void shouldRefuseUnknownKeysNamingTheKeyAndTheKeysThatExist() {
    ConfigurationException e = assertThrows(ConfigurationException.class,
        () -> ClientSettings.of(URI.create("opc.tcp://plc:4840?pkiDIR=/tmp/pki"), DeviceOptions.defaults()));
    assertTrue(e.getMessage().contains("'pkiDIR'") && e.getMessage().contains(OpcUaProperties.PKI_DIR), e.getMessage());
    // An option of another driver is refused too, from the options as from the URI.
    e = assertThrows(ConfigurationException.class, () -> ClientSettings.of(URI.create("opc.tcp://plc:4840"),
        DeviceOptions.newBuilder().property("unit", "1").build()));
    assertTrue(e.getMessage().contains("'unit'") && e.getMessage().contains(OpcUaProperties.ALLOW_SECURITY_NONE), e.getMessage());
  }
}
