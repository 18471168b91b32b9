/**
 * What the OPC UA client and servers share: NodeId addresses, value conversion between tag types and OPC UA
 * built-in types, StatusCode to {@link io.aifactory.sdk.core.Quality} mapping and endpoint ranking. Internal: not
 * part of the API, may change without notice.
 */
package io.aifactory.sdk.opcua.internal;
