package io.aifactory.sdk.testkit.signal;

import java.nio.charset.StandardCharsets;

/**
 * Counter-based randomness: a value is a pure function of (seed, index), so a random signal can be evaluated at
 * any time in any order and still give the same sequence for the same seed.
 */
final class Randomness {
  private Randomness() {}

  /** The SplitMix64 finaliser: a well-mixed 64-bit value from any 64-bit input. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  /** Returns a uniform double in (0, 1] for (seed, index). */
  static double uniform(long seed, long index) {
    long bits = mix64(mix64(seed + 0x9e3779b97f4a7c15L) ^ (index * 0x9e3779b97f4a7c15L + 0x632be59bd9b4e019L));
    return ((bits >>> 11) + 1) * 0x1.0p-53;
  }

  /** Returns a standard normal value for (seed, index), by Box-Muller on two independent uniforms. */
  static double gaussian(long seed, long index) {
    double u1 = uniform(seed, 2 * index);
    double u2 = uniform(seed, 2 * index + 1);
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Derives an independent seed for a named stream (a tag, a signal's place in a file) from a root seed. */
  static long derive(long seed, String stream) {
    long h = 0xcbf29ce484222325L; // FNV-1a over UTF-8, stable across JVMs unlike identity hashes
    for (byte b : stream.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    return mix64(seed ^ mix64(h));
  }
}
