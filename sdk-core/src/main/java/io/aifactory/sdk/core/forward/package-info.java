/**
 * Store-and-forward: records that must leave the gateway (to Kafka, to an MQTT broker) are first appended to a
 * {@link io.aifactory.sdk.core.forward.DiskBuffer} on local disk and then sent by a
 * {@link io.aifactory.sdk.core.forward.Forwarder}, so that a link down for minutes or days, or a gateway restarted
 * meanwhile, loses nothing that was accepted; only the configured bounds (size, age) drop records, oldest first, and
 * every drop is counted.
 *
 * <h2>Disk format (version 1)</h2>
 *
 * <ul>
 *   <li>Segments: {@code <name>-<first sequence, 20 digits>.seg}. An 8-byte header ({@code "AFSB"}, then the format
 *       version as a big-endian int), then records, each: length of the payload (int), CRC32C (int) of everything
 *       after it, sequence (long), time in nanoseconds since the epoch (long), payload. Big-endian throughout.
 *   <li>Sequences grow by one per record and never repeat within a folder, restarts included.
 *   <li>{@code <name>.ack}: two 32-byte slots written alternately, each {@code generation, acknowledged sequence,
 *       magic, CRC32C}; the valid slot with the higher generation wins, so a torn write of one slot leaves the other.
 *   <li>{@code <name>.lock}: held (an OS file lock) while a buffer has the folder open.
 * </ul>
 */
package io.aifactory.sdk.core.forward;
