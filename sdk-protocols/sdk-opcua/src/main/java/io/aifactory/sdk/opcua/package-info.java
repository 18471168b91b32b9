/**
 * OPC UA for the AI Factory SDK, on Eclipse Milo: a secure-by-default {@link io.aifactory.sdk.core.Device} for
 * {@code opc.tcp://} URIs (found by {@link io.aifactory.sdk.core.Devices#open}), with browsing through
 * {@link io.aifactory.sdk.opcua.OpcUaDevice}, and a server that publishes AI results
 * ({@link io.aifactory.sdk.opcua.server.OpcUaResultServer}).
 *
 * <p>Tag addresses are standard NodeId strings: {@code ns=2;s=Line1.Temperature}, {@code nsu=urn:x;i=1001}.
 * OPC UA settings are device properties, listed in {@link io.aifactory.sdk.opcua.OpcUaProperties}.
 */
package io.aifactory.sdk.opcua;
