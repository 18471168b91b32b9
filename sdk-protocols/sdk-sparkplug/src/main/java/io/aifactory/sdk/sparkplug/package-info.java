/**
 * A Sparkplug B edge node over MQTT: publishes chosen tags and pipeline results as device metrics (births, data by
 * exception, deaths), keeps data in a store-and-forward buffer while the broker is unreachable, and accepts writes
 * from commands only through a {@link io.aifactory.sdk.core.guard.WriteGuard}.
 *
 * <p>Start with {@link io.aifactory.sdk.sparkplug.SparkplugEdgeNode}.
 */
package io.aifactory.sdk.sparkplug;
