/** The JUnit extension behind {@link io.aifactory.sdk.testkit.junit.SimulatedPlant}; not public API. */
package io.aifactory.sdk.testkit.junit.internal;
