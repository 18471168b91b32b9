package io.aifactory.sdk.core.app;

import io.aifactory.sdk.core.config.ConfigNode;

/**
 * Opens sinks of one type from a JSON app's {@code sinks} block, found through {@link java.util.ServiceLoader} like
 * device drivers and model providers: {@code aifactory-sdk-kafka} provides type {@code kafka},
 * {@code aifactory-sdk-sparkplug} type {@code sparkplug}. A vendor adds its own type by listing its provider in
 * {@code META-INF/services/io.aifactory.sdk.core.app.SinkProvider}.
 */
public interface SinkProvider {
  /** Returns the value of a sink's {@code "type"} field that this provider opens, e.g. {@code kafka}. */
  String type();

  /**
   * Opens and starts the sink {@code node} describes. The node holds the whole sink object, including the fields
   * the app reads itself ({@code name}, {@code type}, {@code samples}); refuse every other field you do not know
   * with {@link ConfigNode#checkFields}. Connecting must not block: the link may be down when the app starts.
   *
   * @throws io.aifactory.sdk.core.ConfigurationException naming the field, for a mistake in the config
   */
  Sink open(ConfigNode node, AppContext context);
}
