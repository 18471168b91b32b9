/**
 * The model every driver and pipeline shares: tags, samples, devices and the driver SPI.
 *
 * <p>This package knows no protocol and no runtime: drivers are found through
 * {@link java.util.ServiceLoader} by URI scheme, like JDBC drivers.
 */
package io.aifactory.sdk.core;
