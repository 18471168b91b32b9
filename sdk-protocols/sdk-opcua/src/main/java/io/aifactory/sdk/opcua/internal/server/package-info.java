/**
 * Server plumbing shared by {@link io.aifactory.sdk.opcua.server.OpcUaResultServer} and the testkit's simulated OPC
 * UA server: a Milo server with its own certificate, a trust folder, users, endpoints per security policy, a
 * namespace built from tag-like variable definitions, and fault injection on the sockets. Internal: not part of the
 * API; public only so that the testkit can reuse it.
 */
package io.aifactory.sdk.opcua.internal.server;
