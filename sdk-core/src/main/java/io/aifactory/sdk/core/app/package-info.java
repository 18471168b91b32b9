/**
 * Applications from one JSON file: {@link io.aifactory.sdk.core.app.AifactoryApp} opens the devices, models,
 * recorders, write guards, sinks and pipelines a plant config describes, and closes them so that nothing accepted is
 * lost. {@link io.aifactory.sdk.core.app.SinkProvider} is the service through which protocol modules (Kafka,
 * Sparkplug B) add sink types.
 */
package io.aifactory.sdk.core.app;
