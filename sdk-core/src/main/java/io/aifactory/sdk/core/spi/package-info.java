/**
 * Building blocks for driver authors (not needed by applications): connection state bookkeeping shared by every
 * {@link io.aifactory.sdk.core.Device} implementation, so all drivers report state changes the same way.
 */
package io.aifactory.sdk.core.spi;
