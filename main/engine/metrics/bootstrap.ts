import { percentileOfSorted } from '../latency/percentiles.ts';
import { createRng } from '../random/seeded.ts';

// Percentile bootstrap (Efron & Tibshirani 1993, ch. 13): resample with replacement, recompute
// the statistic, and read the interval off the resampled values' percentiles (nearest rank, as
// everywhere in the project: latency/percentiles.ts). Definitions: DEFINITIONS.md, "Bootstrap".
// The paired bootstrap of two models' retrieval quality is paired-bootstrap.ts.

export interface BootstrapOptions {
  /** Number of resamples; default 2000. */
  resamples?: number;
  /** Seeds the resampling (random/seeded.ts); default 1. Same seed, same interval. */
  seed?: number;
  /** Two-sided coverage of the interval; default 0.95. */
  confidence?: number;
}

export function resolveBootstrapOptions(options: BootstrapOptions): Required<BootstrapOptions> {
  const resolved = { resamples: options.resamples ?? 2000, seed: options.seed ?? 1, confidence: options.confidence ?? 0.95 };
  if (!Number.isInteger(resolved.resamples) || resolved.resamples < 1) {
    throw new RangeError(`bootstrap: resamples must be a positive integer, got ${resolved.resamples}`);
  }
  if (!(resolved.confidence > 0 && resolved.confidence < 1)) {
    throw new RangeError(`bootstrap: confidence must be within (0, 1), got ${resolved.confidence}`);
  }
  return resolved;
}

/** The percentile interval of bootstrap values (sorted in place; NaN refused). */
export function percentileInterval(values: Float64Array, confidence: number): { ciLow: number; ciHigh: number } {
  if (values.some(Number.isNaN)) throw new RangeError('bootstrap: the statistic returned NaN for a resample');
  values.sort();
  const tail = ((1 - confidence) / 2) * 100;
  return { ciLow: percentileOfSorted(values, tail), ciHigh: percentileOfSorted(values, 100 - tail) };
}

export interface BootstrapInterval {
  /** The statistic of the samples as given. */
  estimate: number;
  ciLow: number;
  ciHigh: number;
  confidence: number;
  resamples: number;
  seed: number;
}

/**
 * Percentile bootstrap interval of `statistic` over one or more independent samples (unpaired:
 * each sample is resampled on its own, keeping its size). E.g. the ratio of two models' median
 * latencies: `bootstrapCi([a, b], (x, y) => median(y) / median(x))`. The statistic receives
 * scratch arrays that are reused between resamples: it must not keep them.
 */
export function bootstrapCi(
  samples: readonly ArrayLike<number>[],
  statistic: (...resampled: Float64Array[]) => number,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const { resamples, seed, confidence } = resolveBootstrapOptions(options);
  if (samples.length === 0 || samples.some((s) => s.length === 0)) throw new RangeError('bootstrap: every sample needs at least one value');
  const originals = samples.map((s) => Float64Array.from(s));
  const scratch = originals.map((s) => new Float64Array(s.length));
  const random = createRng(seed);
  const values = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    originals.forEach((original, i) => {
      const target = scratch[i];
      for (let k = 0; k < target.length; k++) target[k] = original[Math.floor(random() * original.length)];
    });
    values[b] = statistic(...scratch);
  }
  return { estimate: statistic(...originals), ...percentileInterval(values, confidence), confidence, resamples, seed };
}
