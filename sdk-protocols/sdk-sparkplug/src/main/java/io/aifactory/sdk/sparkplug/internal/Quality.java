package io.aifactory.sdk.sparkplug.internal;

/**
 * The {@code Quality} metric property: an Int32 with the OPC DA codes most Sparkplug hosts (Ignition among them)
 * read, so that a host shows a BAD or UNCERTAIN value as such instead of as a number.
 */
public final class Quality {
  public static final String PROPERTY = "Quality";
  public static final int GOOD = 192;
  public static final int UNCERTAIN = 64;
  public static final int BAD = 0;

  private Quality() {}

  /** Returns the code of an SDK quality. */
  public static int code(io.aifactory.sdk.core.Quality q) {
    switch (q.status()) {
      case GOOD:
        return GOOD;
      case UNCERTAIN:
        return UNCERTAIN;
      default:
        return BAD;
    }
  }
}
