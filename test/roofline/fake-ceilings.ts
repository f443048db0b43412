import type { BandwidthMeasurement } from '../../main/engine/roofline/memory-bandwidth.ts';
import type { PeakMeasurement } from '../../main/engine/roofline/matmul-peak.ts';

/** Ceilings as a measurement would record them, with the rates a test chooses. */
export function fakePeak(fp32: number | null, options: { fp16?: number; threads?: number | null; provider?: 'cpu' | 'cuda' } = {}): PeakMeasurement {
  const best = { m: 1, k: 1, n: 1 };
  return {
    provider: options.provider ?? 'cpu',
    intraOpThreads: options.threads === undefined ? 2 : options.threads,
    measuredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    fp32: fp32 === null ? { supported: false, reason: 'no fp32 kernel' } : { supported: true, gflops: fp32, best, sizes: [] },
    fp16: options.fp16 === undefined ? { supported: false, reason: 'no fp16 kernel' } : { supported: true, gflops: options.fp16, best, sizes: [] },
    load: { before: 0.5, after: 0.7 },
  };
}

export function fakeBandwidth(gbPerS: number | null, options: { threads?: number | null; provider?: 'cpu' | 'cuda' } = {}): BandwidthMeasurement {
  const bufferBytes = 256 * 2 ** 20;
  return {
    provider: options.provider ?? 'cpu',
    intraOpThreads: options.threads === undefined ? 2 : options.threads,
    measuredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    kernel: 'test',
    bufferBytes,
    lastLevelCacheBytes: 32 * 2 ** 20,
    read:
      gbPerS === null
        ? { supported: false, reason: 'CUDA is unavailable: test' }
        : { supported: true, gbPerS, bestGbPerS: gbPerS * 1.1, runs: 5, medianMs: bufferBytes / (gbPerS * 1e6), minMs: bufferBytes / (gbPerS * 1.1e6), p90Ms: bufferBytes / (gbPerS * 0.9e6) },
    load: { before: 0.5, after: 0.6 },
  };
}
