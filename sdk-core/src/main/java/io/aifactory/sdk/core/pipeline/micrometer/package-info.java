/**
 * Micrometer meters for pipelines: {@link io.aifactory.sdk.core.pipeline.micrometer.PipelineMeterBinder}.
 *
 * <p>The only package of the core that uses Micrometer, an optional dependency: an application that binds a
 * pipeline to a {@code MeterRegistry} has {@code io.micrometer:micrometer-core} on its class path already; one that
 * does not never loads this package.
 */
package io.aifactory.sdk.core.pipeline.micrometer;
