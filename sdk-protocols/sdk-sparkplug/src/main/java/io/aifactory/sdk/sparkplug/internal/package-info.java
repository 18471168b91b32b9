/**
 * The edge node's workings, not API: the metric model and its report-by-exception state, the Sparkplug payloads
 * (built with Eclipse Tahu), the format of buffered records, and the buffers they wait in.
 */
package io.aifactory.sdk.sparkplug.internal;
