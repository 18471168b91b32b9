/**
 * A simulated OPC UA server ({@link io.aifactory.sdk.testkit.opcua.OpcUaSimulator}) on a real socket: a namespace
 * built from tag definitions, security None and Basic256Sha256/Aes Sign and SignAndEncrypt with its own certificate,
 * anonymous and username users, and fault injection at run time (drop connections, stall, delay replies, restart,
 * close sessions, stop publishing).
 */
package io.aifactory.sdk.testkit.opcua;
