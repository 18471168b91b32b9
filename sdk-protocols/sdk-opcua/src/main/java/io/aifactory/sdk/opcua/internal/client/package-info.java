/**
 * The Milo-based implementation of {@link io.aifactory.sdk.opcua.OpcUaDevice}: connection with endpoint ranking and
 * certificate checks, reads, writes, browsing, and subscriptions that are restored after a session loss with the
 * gap reported. Internal: not part of the API.
 */
package io.aifactory.sdk.opcua.internal.client;
