/**
 * Training data from the running plant: {@link io.aifactory.sdk.core.record.Recorder} writes tag samples, pipeline
 * results, write-guard decisions, alarms, operator actions and labels to rotating gzip JSON Lines files that a data
 * scientist loads with {@code pandas.read_json(path, lines=True)}.
 *
 * <h2>File format (version 1)</h2>
 *
 * <ul>
 *   <li>Files: {@code <name>-<yyyyMMdd'T'HHmmss'Z'>-<seq>.jsonl.gz} (UTC time the file was opened), written as
 *       {@code .part} and renamed once complete and fsynced. A file is a sequence of gzip members, which every gzip
 *       reader reads as one stream.
 *   <li>Line 1: {@code {"type":"schema","schema":"aifactory-recording","version":1,"recorder":...,"time":...,
 *       "fields":{"sample":{"time":"...",...},...}}}: the fields of each record type, described in words.
 *   <li>Every other line: one record, {@code {"type":"sample"|"result"|"decision"|"alarm"|"operator"|"label",
 *       "time":"2024-05-01T12:00:00.123456789Z","time_ns":1714564800123456789,...}}. Numbers that JSON cannot hold
 *       (NaN, infinities) are null; a BAD sample's value is null, never a made-up number.
 *   <li>{@code manifest.json}: {@code {"schema":"aifactory-recording-manifest","version":1,"recorder":...,
 *       "files":[{"file":...,"bytes":...,"records":...,"counts":{"sample":...,...},"first_time":...,
 *       "first_time_ns":...,"last_time":...,"last_time_ns":...}]}}, completed files oldest first, replaced
 *       atomically whenever a file is completed or deleted.
 * </ul>
 *
 * <p>The fields of each record type are listed in {@code sdk-core/RECORDING.md}.
 */
package io.aifactory.sdk.core.record;
