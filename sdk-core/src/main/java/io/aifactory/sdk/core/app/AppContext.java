package io.aifactory.sdk.core.app;

import io.aifactory.sdk.core.Device;
import io.aifactory.sdk.core.Tag;
import io.aifactory.sdk.core.config.ConfigNode;
import io.aifactory.sdk.core.guard.WriteGuard;
import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link SinkProvider} may use of the app that opens it: the config file's folder and the devices, tags and
 * write guards the file defines. Every lookup fails with a {@link io.aifactory.sdk.core.ConfigurationException}
 * naming the field and the names that exist, like the app's own errors.
 */
public interface AppContext {
  /** Returns the folder of the config file, against which relative paths are resolved. */
  Path baseDirectory();

  /** Returns the device named by {@code node}'s field {@code field} (already open, connecting in the background). */
  Device device(ConfigNode node, String field);

  /** Returns the tags named by {@code node}'s field {@code field} (a name or an array of names) of device {@code device}. */
  List<Tag> tags(ConfigNode node, String field, String device);

  /** Returns the write guards named by {@code node}'s field {@code field}: a name or an array of names. */
  List<WriteGuard> guards(ConfigNode node, String field);
}
