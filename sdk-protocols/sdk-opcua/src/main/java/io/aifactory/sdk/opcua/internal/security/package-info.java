/**
 * Certificates and trust for OPC UA clients and servers: the PKI folder (own, trusted, issuers, rejected), the
 * application certificate kept on disk so that a restarted application presents the same one, and a trust list
 * read from its folder on every check so that an administrator's move from {@code rejected/} to {@code trusted/}
 * takes effect at the next connect. Internal: not part of the API.
 */
package io.aifactory.sdk.opcua.internal.security;
