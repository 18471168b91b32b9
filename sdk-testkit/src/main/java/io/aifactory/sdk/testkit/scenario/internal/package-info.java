/** Implementation of the scenario file format; not public API. */
package io.aifactory.sdk.testkit.scenario.internal;
