/**
 * The write guard: what stands between a model's proposal and a machine's setpoint. Every proposed write is checked
 * against a range, a maximum step from the value the device shows now, a minimum interval and a maximum rate; it is
 * written only in LIVE mode (SHADOW audits what would have been written), and counts as done only when reading back
 * shows it. When the model stalls the guard falls back to a safe value or holds, and when an operator changes the
 * value by hand the guard reports it and stands back. Every decision is an audited {@link
 * io.aifactory.sdk.core.guard.GuardDecision}.
 */
package io.aifactory.sdk.core.guard;
