/** Implementations behind the {@code io.aifactory.sdk.inference} interfaces; not a public API. */
package io.aifactory.sdk.inference.internal;
