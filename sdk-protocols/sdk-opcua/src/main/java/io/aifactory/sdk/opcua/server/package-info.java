/**
 * {@link io.aifactory.sdk.opcua.server.OpcUaResultServer}: an OPC UA server an application embeds to publish what
 * its pipelines compute (anomaly score, alarm state, predicted value, model name and version, inference latency),
 * so that any SCADA, HMI or MES reads AI results with the OPC UA client it already has.
 */
package io.aifactory.sdk.opcua.server;
