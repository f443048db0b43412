/**
 * A seeded pseudo-random generator: the same seed gives the same stream on every machine and
 * runtime, so query orders, Poisson arrival schedules and bootstrap resamples can be repeated.
 *
 * mulberry32 (Tommy Ettinger, public domain): 32-bit state, period 2^32, passes gjrand/PractRand
 * up to the sizes a benchmark draws. Not cryptographic; plenty for shuffles and resampling, where
 * reproducibility matters more than statistical perfection.
 */
export type Rng = () => number;

/** Returns a generator of floats uniform in [0, 1); `seed` is taken modulo 2^32. */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
