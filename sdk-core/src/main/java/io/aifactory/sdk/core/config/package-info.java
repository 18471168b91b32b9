/**
 * JSON configuration of devices and their tags, loaded into the same objects as the builder API.
 *
 * <p>Every error names the place in the file, e.g. {@code devices[1].tags[3].address: unknown table 'holdin'
 * (expected coil, discrete, input, holding)}, and nothing half-configured is ever returned. Address checks are
 * delegated to the driver of each device's scheme. {@link io.aifactory.sdk.core.config.ConfigNode} is public so
 * that other file formats of the SDK (the testkit's scenarios) report errors the same way.
 */
package io.aifactory.sdk.core.config;
