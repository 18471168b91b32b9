/**
 * Kafka: {@link io.aifactory.sdk.kafka.KafkaSink} publishes samples, results, alarms and guard decisions through a
 * store-and-forward buffer; {@link io.aifactory.sdk.kafka.KafkaDriver} reads samples back as {@code kafka://}
 * devices, so that pipelines scale out on Kafka consumer groups. The JSON schema is in the module's
 * {@code SCHEMA.md}.
 */
package io.aifactory.sdk.kafka;
