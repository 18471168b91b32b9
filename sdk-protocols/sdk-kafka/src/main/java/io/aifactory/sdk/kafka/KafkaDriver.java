package io.aifactory.sdk.kafka;

import io.aifactory.sdk.core.ConfigurationException;
import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceDriver;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.kafka.internal.KafkaDevice;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Opens {@code kafka://host:port[,host:port...]?topic=aifactory.samples&group=line-pipelines} devices: samples that
 * a {@link KafkaSink} published, read back so that the pipeline that runs at the edge on Modbus runs centrally on
 * Kafka. Found through {@link java.util.ServiceLoader}; open it with {@link io.aifactory.sdk.core.Devices#open}.
 *
 * <p>URI parameters: {@code topic} (default {@code aifactory.samples}); {@code group}, the consumer group (required:
 * every pipeline instance of a fleet uses the same one, and Kafka shares the machines out among them); {@code
 * offset}, where a group with no committed position starts, {@code earliest} (default) or {@code latest}. {@link
 * DeviceOptions#properties()} whose names start with {@code kafka.} are passed to the consumer without the prefix
 * (security settings, for instance).
 *
 * <p>Tag addresses are {@code plant/line/device/tag}: the key the sink published the rows under, then the tag's
 * name as published (no '/' in it).
 */
public final class KafkaDriver implements DeviceDriver {
  @Override
  public Set<String> schemes() {
    return Set.of("kafka");
  }

  @Override
  public Device open(URI uri, DeviceOptions options) {
    String servers = uri.getRawAuthority();
    if (servers == null || servers.isEmpty()) {
      throw new ConfigurationException(uri + ": no brokers (expected kafka://host:port?topic=...&group=...)");
    }
    Map<String, String> params = query(uri);
    String group = params.get("group");
    if (group == null || group.isEmpty()) {
      throw new ConfigurationException(uri + ": no consumer group (expected ...?group=<name>; every instance of a"
          + " fleet uses the same group)");
    }
    String offset = params.getOrDefault("offset", "earliest");
    if (!offset.equals("earliest") && !offset.equals("latest")) {
      throw new ConfigurationException(uri + ": offset=" + offset + " (expected earliest or latest)");
    }
    for (String k : params.keySet()) {
      if (!Set.of("topic", "group", "offset").contains(k)) {
        throw new ConfigurationException(uri + ": unknown parameter '" + k + "' (expected topic, group, offset)");
      }
    }
    return new KafkaDevice(uri, options, servers, params.getOrDefault("topic", "aifactory.samples"), group, offset);
  }

  @Override
  public void checkAddress(Tag tag) {
    KafkaDevice.parseAddress(tag.address());
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> params = new LinkedHashMap<>();
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) return params;
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new ConfigurationException(uri + ": malformed parameter '" + pair + "'");
      params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return params;
  }
}
