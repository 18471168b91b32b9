package io.aifactory.sdk.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DevicesTest {
  @Test
  void shouldFindDriverDefinedInTestsThroughServiceLoader() {
    try (Device device = Devices.open("regmap://plc-7:1234?unit=3")) {
      assertInstanceOf(RegisterMapDriver.Opened.class, device);
      assertEquals("plc-7", device.uri().getHost());
    }
    assertTrue(Devices.installedSchemes().contains("regmap"));
  }

  @Test
  void shouldMatchSchemeCaseInsensitively() {
    assertInstanceOf(RegisterMapDriver.class, Devices.driver("RegMap"));
  }

  @Test
  void shouldListInstalledSchemesWhenSchemeIsUnknown() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Devices.open("nope://x"));
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    assertTrue(e.getMessage().contains("installed schemes: [regmap]"), e.getMessage());
  }

  @Test
  void shouldRefuseUriWithoutScheme() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Devices.open("plc-7:502"));
    assertTrue(e.getMessage().contains("scheme"), e.getMessage());
  }

  @Test
  void shouldRefuseMalformedUri() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Devices.open("regmap://bad host"));
    assertTrue(e.getMessage().contains("malformed device URI 'regmap://bad host'"), e.getMessage());
  }

  @Test
  void shouldKeepPasswordsOutOfTheErrorForAMalformedUri() {
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> Devices.open("regmap://operator:s3cret@bad host"));
    assertTrue(e.getMessage().contains("regmap://***@bad host"), e.getMessage());
    assertTrue(!e.getMessage().contains("s3cret") && e.getCause() == null, e.getMessage());
  }

  @Test
  void shouldKeepCredentialsOutOfTheErrorForAMalformedUri() {
    ConfigurationException inUserInfo = assertThrows(ConfigurationException.class,
        () -> Devices.open("regmap://operator:s3cret@bad host"));
    assertTrue(inUserInfo.getMessage().contains("regmap://***@bad host"), inUserInfo.getMessage());
    ConfigurationException inQuery = assertThrows(ConfigurationException.class,
        () -> Devices.open("regmap://plc:4840?username=op&password=se cret&keyStorePassword=k1&unit=2"));
    String message = inQuery.getMessage();
    assertTrue(message.contains("?username=op&password=***&keyStorePassword=***&unit=2"), message);
    assertTrue(!message.contains("se cret") && !message.contains("k1"), message);
  }
}
