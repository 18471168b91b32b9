/** Implementation of the Kafka module; not API, may change in any release. */
package io.aifactory.sdk.kafka.internal;
