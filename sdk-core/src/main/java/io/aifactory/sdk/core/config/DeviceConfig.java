package io.aifactory.sdk.core.config;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.DeviceOptions;
import io.aifactory.sdk.core.Devices;
import io.aifactory.sdk.core.Tag;
import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** One device of a {@link PlantConfig}: its name, URI, options and tags, already checked. */
public final class DeviceConfig {
  private final String name;
  private final URI uri;
  private final DeviceOptions options;
  private final List<Tag> tags;

  public DeviceConfig(String name, URI uri, DeviceOptions options, List<Tag> tags) {
    this.name = Objects.requireNonNull(name, "name");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.options = Objects.requireNonNull(options, "options");
    this.tags = List.copyOf(tags);
  }

  public String name() {
    return name;
  }

  public URI uri() {
    return uri;
  }

  public DeviceOptions options() {
    return options;
  }

  public List<Tag> tags() {
    return tags;
  }

  /** Returns the tag with this name, if the device has one. */
  public Optional<Tag> tag(String tagName) {
    return tags.stream().filter(t -> t.name().equals(tagName)).findFirst();
  }

  /** Opens the device with its options; the caller closes it. */
  public Device open() {
    return Devices.open(uri, options);
  }

  @Override
  public String toString() {
    return "DeviceConfig{" + name + " " + uri + ", " + tags.size() + " tags}";
  }
}
