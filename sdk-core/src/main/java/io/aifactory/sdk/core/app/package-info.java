/**
 * Applications from one JSON file: {@link io.aifactory.sdk.core.app.AifactoryApp} opens the devices, models,
 * recorders, write guards and pipelines a plant config describes, and closes them in reverse order.
 */
package io.aifactory.sdk.core.app;
