package io.aifactory.sdk.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.DataType;
import io.aifactory.sdk.core.Tag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlantConfigTest {
  private static final String GOOD = "{\n"
      + "  \"devices\": [\n"
      + "    { \"name\": \"press-1\", \"uri\": \"regmap://10.0.0.5:502?unit=1\",\n"
      + "      \"options\": { \"requestTimeout\": \"750ms\", \"connectTimeout\": \"PT3S\",\n"
      + "                   \"reconnect\": { \"initialDelay\": \"250ms\", \"maxDelay\": \"10s\", \"jitter\": 0 },\n"
      + "                   \"properties\": { \"maxRegisters\": \"100\" } },\n"
      + "      \"tags\": [\n"
      + "        { \"name\": \"temperature\", \"address\": \"reg:100\", \"type\": \"int16\", \"scale\": 0.1, \"offset\": -40, \"unit\": \"°C\", \"deadband\": 0.5 },\n"
      + "        { \"name\": \"waveform\", \"address\": \"reg:200\", \"type\": \"float32[256]\" }\n"
      + "      ] },\n"
      + "    { \"name\": \"press-2\", \"uri\": \"regmap://10.0.0.6\" }\n"
      + "  ]\n"
      + "}\n";

  @Test
  void shouldLoadIntoTheSameObjectsAsTheBuilders(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("plant.json");
    Files.writeString(file, GOOD);
    PlantConfig config = PlantConfig.load(file);

    assertEquals(2, config.devices().size());
    DeviceConfig press = config.device("press-1").orElseThrow();
    assertEquals("regmap://10.0.0.5:502?unit=1", press.uri().toString());
    assertEquals(Duration.ofMillis(750), press.options().requestTimeout());
    assertTrue(press.options().isRequestTimeoutSet());
    assertEquals(Duration.ofSeconds(3), press.options().connectTimeout());
    assertEquals(Duration.ofMillis(250), press.options().reconnectPolicy().initialDelay());
    assertEquals(Duration.ofSeconds(10), press.options().reconnectPolicy().maxDelay());
    assertEquals(0.0, press.options().reconnectPolicy().jitter());
    assertEquals("100", press.options().property("maxRegisters", "125"));
    assertEquals(Tag.newBuilder().name("temperature").address("reg:100").dataType(DataType.INT16)
        .scale(0.1).offset(-40).unit("°C").deadband(0.5).build(), press.tag("temperature").orElseThrow());
    assertEquals(DataType.parse("float32[256]"), press.tag("waveform").orElseThrow().dataType());
    assertTrue(config.device("press-2").orElseThrow().tags().isEmpty());
    // Not given in the file: left to the URI's own timeout, if any, instead of conflicting with it.
    assertTrue(!config.device("press-2").orElseThrow().options().isRequestTimeoutSet());
  }

  private static String pathOf(String json) {
    return assertThrows(ConfigurationException.class, () -> PlantConfig.parse(json)).getMessage();
  }

  private static String withTag(String tagJson) {
    return "{\"devices\":[{\"name\":\"a\",\"uri\":\"regmap://h\",\"tags\":[{\"name\":\"ok\",\"address\":\"reg:1\",\"type\":\"bool\"},"
        + tagJson + "]}]}";
  }

  @Test
  void shouldDelegateAddressChecksToTheDriverAndNameThePlace() {
    assertEquals("devices[0].tags[1].address: tag 't': unknown address 'holdin:1' (expected reg:N)",
        pathOf(withTag("{\"name\":\"t\",\"address\":\"holdin:1\",\"type\":\"int16\"}")));
  }

  @Test
  void shouldNameTheFieldWithATypo() {
    assertEquals("devices[0].tags[1].adress: unknown field (expected one of address, deadband, name, offset, scale, type, unit)",
        pathOf(withTag("{\"name\":\"t\",\"adress\":\"reg:1\",\"type\":\"int16\"}")));
  }

  @Test
  void shouldNameTheMissingField() {
    assertEquals("devices[0].tags[1].type: missing (required)",
        pathOf(withTag("{\"name\":\"t\",\"address\":\"reg:1\"}")));
    assertEquals("devices: missing (required)", pathOf("{}"));
  }

  @Test
  void shouldNameTheWrongType() {
    assertEquals("devices[0].tags[1].scale: expected a number, found the string \"2\"",
        pathOf(withTag("{\"name\":\"t\",\"address\":\"reg:1\",\"type\":\"int16\",\"scale\":\"2\"}")));
    assertTrue(pathOf(withTag("{\"name\":\"t\",\"address\":\"reg:1\",\"type\":\"float\"}"))
        .startsWith("devices[0].tags[1].type: unknown data type 'float'"));
    assertEquals("devices: expected an array, found an object", pathOf("{\"devices\":{}}"));
  }

  @Test
  void shouldRefuseDuplicateTagAndDeviceNames() {
    assertEquals("devices[0].tags[1].name: duplicate tag name 'ok' (first at devices[0].tags[0])",
        pathOf(withTag("{\"name\":\"ok\",\"address\":\"reg:2\",\"type\":\"bool\"}")));
    assertEquals("devices[1].name: duplicate device name 'a' (first at devices[0])",
        pathOf("{\"devices\":[{\"name\":\"a\",\"uri\":\"regmap://h\"},{\"name\":\"a\",\"uri\":\"regmap://g\"}]}"));
  }

  @Test
  void shouldRefuseInvalidTagValuesWithThePath() {
    assertEquals("devices[0].tags[1]: scale is not a finite non-zero number: 0.0",
        pathOf(withTag("{\"name\":\"t\",\"address\":\"reg:1\",\"type\":\"int16\",\"scale\":0}")));
    assertEquals("devices[0].tags[1].name: expected a non-empty string, found \"\"",
        pathOf(withTag("{\"name\":\"\",\"address\":\"reg:1\",\"type\":\"int16\"}")));
  }

  @Test
  void shouldNameAnUnknownSchemeAndListTheInstalledOnes() {
    String message = pathOf("{\"devices\":[{\"name\":\"a\",\"uri\":\"nope://h\"}]}");
    assertTrue(message.startsWith("devices[0].uri: no device driver for scheme 'nope' (installed schemes: [regmap]"), message);
  }

  @Test
  void shouldNameABadDuration() {
    assertEquals("devices[0].options.requestTimeout: expected a duration like 250ms, 2s, 5m or PT2S, found \"soon\"",
        pathOf("{\"devices\":[{\"name\":\"a\",\"uri\":\"regmap://h\",\"options\":{\"requestTimeout\":\"soon\"}}]}"));
    assertEquals("devices[0].options.reconnect: maxDelay < initialDelay: PT1S < PT2S",
        pathOf("{\"devices\":[{\"name\":\"a\",\"uri\":\"regmap://h\",\"options\":{\"reconnect\":{\"initialDelay\":\"2s\",\"maxDelay\":\"1s\"}}}]}"));
  }

  @Test
  void shouldNameTheLineOfASyntaxError() {
    String message = pathOf("{\n  \"devices\": [\n    { \"name\": \"a\" \"uri\": \"x\" }\n  ]\n}");
    assertTrue(message.startsWith("configuration is not valid JSON at line 3"), message);
  }

  @Test
  void shouldSayWhichFileIsMissing(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    ConfigurationException e = assertThrows(ConfigurationException.class, () -> PlantConfig.load(missing));
    assertEquals("configuration file not found: " + missing, e.getMessage());
  }

  @Test
  void shouldReadDurationsInEveryAcceptedForm() {
    assertEquals(Duration.ofMillis(250), ConfigNode.parseDuration("250ms"));
    assertEquals(Duration.ofMillis(1500), ConfigNode.parseDuration("1.5s"));
    assertEquals(Duration.ofMinutes(5), ConfigNode.parseDuration("5m"));
    assertEquals(Duration.ofHours(1), ConfigNode.parseDuration("1h"));
    assertEquals(Duration.ofSeconds(2), ConfigNode.parseDuration("PT2S"));
  }
}
