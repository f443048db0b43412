import { createRng } from '../random/seeded.ts';

/**
 * Seeded Poisson arrivals: returns successive inter-arrival gaps in milliseconds, exponential
 * with mean 1000 / `ratePerSecond` (inverse-CDF sampling, −ln(1 − u) / λ, finite since u < 1).
 */
export function createPoissonArrivals(ratePerSecond: number, seed: number): () => number {
  if (!(ratePerSecond > 0 && Number.isFinite(ratePerSecond))) {
    throw new RangeError(`the arrival rate must be a positive number of queries per second, got ${ratePerSecond}`);
  }
  const rng = createRng(seed);
  const meanGapMs = 1000 / ratePerSecond;
  return () => -Math.log(1 - rng()) * meanGapMs;
}
