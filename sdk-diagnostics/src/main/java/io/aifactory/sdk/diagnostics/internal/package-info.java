/**
 * How the diagnostics page is fed: bounded rings the hooks write into, one thread that samples and fans out, and the
 * HTTP handler with its Server-Sent Events streams. Not API: it may change in any release.
 */
package io.aifactory.sdk.diagnostics.internal;
