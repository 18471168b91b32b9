package io.aifactory.sdk.core.tensor;

/**
 * What a {@link Window} writes for a column whose sample is missing from a row: BAD, absent from the batch,
 * or not a number.
 *
 * <p>Whatever the policy, the row's mask entry for that column is 0 (see {@link Window#latestMask(int)}), and
 * a missing value is never written as 0. Where no value can be given, the window writes NaN and the row makes
 * every window that contains it invalid ({@link Window#isValid(int)}) until {@code length} good rows have
 * been appended after it.
 */
public enum MissingDataPolicy {
  /**
   * Repeat the column's last good value (after normalisation) for up to
   * {@link Window.Builder#maxHoldRows(int)} consecutive rows. If the column has no good value yet, or has been
   * held too long, write NaN and mark the row invalid.
   */
  HOLD_LAST,
  /** Write NaN and mark the row invalid, so that the window is invalid until it has refilled. */
  INVALIDATE
}
