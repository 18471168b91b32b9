package io.aifactory.sdk.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aifactory.sdk.core.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A node of a JSON configuration file that knows its path ({@code devices[1].tags[3]}) and turns every
 * mistake into a {@link ConfigurationException} that names it, what was expected and what was found.
 */
public final class ConfigNode {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final JsonNode json;
  private final String path;

  private ConfigNode(JsonNode json, String path) {
    this.json = json;
    this.path = path;
  }

  /** Parses a JSON document; syntax errors name the line and column. */
  public static ConfigNode parse(String json, String sourceName) {
    try {
      JsonNode root = MAPPER.readTree(json);
      if (root == null || root.isMissingNode()) throw new ConfigurationException("", sourceName + " is empty", null);
      return new ConfigNode(root, "");
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new ConfigurationException("", sourceName + " is not valid JSON" + where + ": " + e.getOriginalMessage(), e);
    }
  }

  /** Reads and parses a JSON file. */
  public static ConfigNode read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigurationException("", "configuration file not found: " + file, e);
    } catch (IOException e) {
      throw new ConfigurationException("", "cannot read configuration file " + file + ": " + e, e);
    }
  }

  /** Returns where this node is in the file, e.g. {@code devices[1].tags[3]}; empty for the root. */
  public String path() {
    return path;
  }

  /** Returns an error at this node (or at {@code field} of it) with the path in front of the message. */
  public ConfigurationException error(String field, String message) {
    return new ConfigurationException(childPath(field), message, null);
  }

  public ConfigurationException error(String field, String message, Throwable cause) {
    return new ConfigurationException(childPath(field), message, cause);
  }

  /** Fails if this node is not an object or has a field not in {@code allowed}, naming the allowed ones. */
  public ConfigNode checkFields(String... allowed) {
    requireObject();
    Set<String> known = new TreeSet<>(List.of(allowed));
    Iterator<String> names = json.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) throw error(name, "unknown field (expected one of " + String.join(", ", known) + ")");
    }
    return this;
  }

  public boolean has(String field) {
    requireObject();
    JsonNode v = json.get(field);
    return v != null && !v.isNull();
  }

  public ConfigNode object(String field) {
    JsonNode v = required(field);
    if (!v.isObject()) throw error(field, "expected an object, found " + describe(v));
    return new ConfigNode(v, childPath(field));
  }

  /** Returns the elements of a required array field. */
  public List<ConfigNode> array(String field) {
    JsonNode v = required(field);
    if (!v.isArray()) throw error(field, "expected an array, found " + describe(v));
    List<ConfigNode> items = new ArrayList<>(v.size());
    for (int i = 0; i < v.size(); i++) items.add(new ConfigNode(v.get(i), childPath(field) + "[" + i + "]"));
    return items;
  }

  /** Returns the elements of an optional array field, or an empty list. */
  public List<ConfigNode> optionalArray(String field) {
    return has(field) ? array(field) : List.of();
  }

  /** Returns a required array of numbers as a {@code double[]}. */
  public double[] numbers(String field) {
    List<ConfigNode> items = array(field);
    double[] out = new double[items.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = items.get(i).json;
      if (!v.isNumber()) throw items.get(i).error("", "expected a number, found " + describe(v));
      out[i] = v.asDouble();
    }
    return out;
  }

  /** Returns a required array of non-empty strings. */
  public List<String> strings(String field) {
    List<String> out = new ArrayList<>();
    for (ConfigNode item : array(field)) {
      if (!item.json.isTextual() || item.json.asText().isBlank()) {
        throw item.error("", "expected a non-empty string, found " + describe(item.json));
      }
      out.add(item.json.asText());
    }
    return out;
  }

  /** Returns true if this node is a JSON string (for fields that take a string or an object). */
  public boolean isText() {
    return json.isTextual();
  }

  /** Returns true if this node is a JSON number. */
  public boolean isNumber() {
    return json.isNumber();
  }

  /** Returns this node's number. */
  public double asNumber() {
    if (!json.isNumber()) throw error("", "expected a number, found " + describe(json));
    return json.asDouble();
  }

  /** Returns the field's node whatever its JSON type, for fields that take several forms. */
  public ConfigNode node(String field) {
    return new ConfigNode(required(field), childPath(field));
  }

  /** Returns the (field name, value) pairs of this object node. */
  public List<ConfigNode> fields() {
    requireObject();
    List<ConfigNode> out = new ArrayList<>();
    json.fieldNames().forEachRemaining(n -> out.add(new ConfigNode(json.get(n), childPath(n))));
    return out;
  }

  /** Returns the last element of this node's path: its field name. */
  public String name() {
    int dot = path.lastIndexOf('.');
    return dot < 0 ? path : path.substring(dot + 1);
  }

  public String text(String field) {
    JsonNode v = required(field);
    if (!v.isTextual()) throw error(field, "expected a string, found " + describe(v));
    if (v.asText().isBlank()) throw error(field, "expected a non-empty string, found \"\"");
    return v.asText();
  }

  public String text(String field, String defaultValue) {
    return has(field) ? text(field) : defaultValue;
  }

  /** Returns this node's own text (for nodes from {@link #fields()}). */
  public String asText() {
    if (!json.isTextual() && !json.isNumber() && !json.isBoolean()) throw error("", "expected a string, found " + describe(json));
    return json.asText();
  }

  public double number(String field) {
    JsonNode v = required(field);
    if (!v.isNumber()) throw error(field, "expected a number, found " + describe(v));
    return v.asDouble();
  }

  public double number(String field, double defaultValue) {
    return has(field) ? number(field) : defaultValue;
  }

  public long integer(String field, long defaultValue) {
    if (!has(field)) return defaultValue;
    JsonNode v = json.get(field);
    if (!v.isIntegralNumber()) throw error(field, "expected an integer, found " + describe(v));
    return v.asLong();
  }

  public boolean bool(String field, boolean defaultValue) {
    if (!has(field)) return defaultValue;
    JsonNode v = json.get(field);
    if (!v.isBoolean()) throw error(field, "expected true or false, found " + describe(v));
    return v.asBoolean();
  }

  /** Reads a duration written as {@code 250ms}, {@code 2s}, {@code 5m}, {@code 1h} or ISO-8601 {@code PT2S}. */
  public Duration duration(String field, Duration defaultValue) {
    if (!has(field)) return defaultValue;
    String text = text(field).trim();
    try {
      return parseDuration(text);
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw error(field, "expected a duration like 250ms, 2s, 5m or PT2S, found \"" + text + "\"");
    }
  }

  /** Converts a field with {@code parser}, reporting its IllegalArgumentException at the field's path. */
  public <T> T convert(String field, Function<String, T> parser) {
    String text = text(field);
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw error(field, e.getMessage(), e);
    }
  }

  static Duration parseDuration(String text) {
    String t = text.toLowerCase(Locale.ROOT);
    if (t.startsWith("pt") || t.startsWith("p")) return Duration.parse(text);
    String[][] units = {{"ms", "1"}, {"s", "1000"}, {"m", "60000"}, {"h", "3600000"}};
    for (String[] unit : units) {
      if (t.endsWith(unit[0])) {
        String number = t.substring(0, t.length() - unit[0].length()).trim();
        double value = Double.parseDouble(number);
        if (!(value >= 0) || Double.isInfinite(value)) throw new IllegalArgumentException(text);
        return Duration.ofNanos(Math.round(value * Long.parseLong(unit[1]) * 1_000_000L));
      }
    }
    throw new IllegalArgumentException(text);
  }

  private JsonNode required(String field) {
    requireObject();
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) throw error(field, "missing (required)");
    return v;
  }

  private void requireObject() {
    if (!json.isObject()) throw new ConfigurationException(path, "expected an object, found " + describe(json), null);
  }

  private String childPath(String field) {
    if (field.isEmpty()) return path;
    return path.isEmpty() ? field : path + "." + field;
  }

  private static String describe(JsonNode v) {
    if (v.isTextual()) return "the string \"" + v.asText() + "\"";
    if (v.isNumber()) return "the number " + v.asText();
    if (v.isBoolean()) return v.asText();
    if (v.isArray()) return "an array";
    if (v.isObject()) return "an object";
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
