/**
 * A live diagnostics page for pipelines, devices, write guards and models, served by the JDK's HTTP server or
 * mounted in a vendor's own: start with {@link io.aifactory.sdk.diagnostics.DiagnosticsServer}.
 */
package io.aifactory.sdk.diagnostics;
