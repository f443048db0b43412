import { describe, expect, it } from 'vitest';
import { compareLatency, LatencyComparisonSchema, ratioEstimate, verdictRules } from '../../main/engine/latency/compare.ts';
import type { StageTimes } from '../../main/engine/latency/latency-sample.ts';
import { createRng } from '../../main/engine/random/seeded.ts';

/** A trace whose totals are `scale` × (4 ms ± uniform noise of ±`noise` ms). */
function trace(n: number, seed: number, scale: number, noise = 0.4): StageTimes[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const totalMs = scale * (4 + noise * (2 * rng() - 1));
    return { tokenizeMs: totalMs * 0.1, encodeMs: totalMs * 0.8, searchMs: totalMs * 0.05, totalMs };
  });
}

const constant = (totalMs: number, n = 50): StageTimes[] => Array.from({ length: n }, () => ({ tokenizeMs: 0, encodeMs: totalMs, searchMs: 0, totalMs }));

describe('compareLatency', () => {
  it('identical samples: ratio 1, interval containing 1, "no difference beyond noise"', () => {
    const samples = trace(400, 1, 1);
    const c = compareLatency(samples, samples, { seed: 1, resamples: 500 });
    for (const e of [c.median, c.mean]) {
      expect(e.ratio).toBe(1);
      expect(e.ciLow).toBeLessThanOrEqual(1);
      expect(e.ciHigh).toBeGreaterThanOrEqual(1);
      expect(e).toMatchObject({ withinNoise: true, practicallyEqual: true });
    }
    expect(c.verdict).toMatch(/^hybrid p50 (\S+) ms vs baseline \1 ms: ratio 1\.000 \(95% CI 0\.\d{3}–1\.\d{3}\): no difference beyond noise, and practically equal \(\|ratio − 1\| < 2%\)$/);
  });

  it('independent draws from one distribution are within noise', () => {
    const c = compareLatency(trace(400, 1, 1), trace(400, 2, 1), { seed: 3, resamples: 500 });
    expect(c.median.withinNoise).toBe(true);
    expect(c.mean.withinNoise).toBe(true);
  });

  it('a clearly slower candidate is named, with the percentage and its interval', () => {
    const c = compareLatency(trace(300, 1, 1), trace(300, 2, 1.12), { seed: 1, resamples: 500 });
    expect(c.median.ratio).toBeGreaterThan(1.08);
    expect(c.median.ciLow).toBeGreaterThan(1);
    expect(c.median).toMatchObject({ withinNoise: false, practicallyEqual: false });
    expect(c.verdict).toMatch(/: hybrid is 1\d\.\d% slower \(95% CI \d+(\.\d)?%–\d+(\.\d)?%\)$/);
  });

  it('a clearly faster candidate is named as faster, by the share of time saved', () => {
    const c = compareLatency(trace(300, 1, 1), trace(300, 2, 0.8), { seed: 1, resamples: 500, labels: { baseline: 'standard', candidate: 'hybrid-α0.5' } });
    expect(c.mean.ciHigh).toBeLessThan(1);
    expect(c.mean.verdict).toMatch(/^hybrid-α0\.5 mean \S+ ms vs standard \S+ ms: hybrid-α0\.5 is (19|20|21)\.\d% faster \(95% CI/);
  });

  it('says both when a difference is real but below the practical threshold (hand-computed)', () => {
    // Constant samples: every resample gives the same ratio, 4.12 / 4.09 = 1.00733…
    const c = compareLatency(constant(4.09), constant(4.12), { seed: 1, resamples: 200 });
    expect(c.median.ciLow).toBe(4.12 / 4.09);
    expect(c.median.ciHigh).toBe(4.12 / 4.09);
    expect(c.verdict).toBe('hybrid p50 4.12 ms vs baseline 4.09 ms: hybrid is 0.7% slower (95% CI 0.7%–0.7%): a real difference, but practically equal (under 2%)');
  });

  it('says when the interval is too wide to call the two equal', () => {
    // 8 very noisy samples each: the estimate is off by more than 2%, the interval spans 1.
    const c = compareLatency(trace(8, 1, 1, 3.5), trace(8, 2, 1, 3.5), { seed: 1, resamples: 1000 });
    expect(c.median).toMatchObject({ withinNoise: true, practicallyEqual: false });
    expect(c.median.verdict).toMatch(/no difference beyond noise, but not practically equal either/);
  });

  it('does not call a difference of exactly the practical threshold practically equal', () => {
    // 5 / 4 = 1.25 exactly: |ratio − 1| = 0.25 is not below 0.25.
    const c = compareLatency(constant(4), constant(5), { seed: 1, resamples: 50, practicalThreshold: 0.25 });
    expect(c.median).toMatchObject({ ratio: 1.25, practicallyEqual: false, withinNoise: false });
    expect(compareLatency(constant(4), constant(5), { seed: 1, resamples: 50, practicalThreshold: 0.26 }).median.practicallyEqual).toBe(true);
  });

  it('uses the practical threshold and confidence it is given', () => {
    const c = compareLatency(constant(4.0), constant(4.2), { seed: 1, resamples: 100, practicalThreshold: 0.1, confidence: 0.9 });
    expect(c.median.practicallyEqual).toBe(true);
    expect(c.verdict).toContain('(90% CI 5%–5%): a real difference, but practically equal (under 10%)');
  });

  it('resamples the median as the lower middle value (nearest rank), as the estimate does', () => {
    // Baseline 1 ms; candidate [1, 3]: a resample's median is 3 only if both draws are 3 (1 in 4).
    // At 10 % confidence the interval is the 45th to 55th percentile of the resampled ratios: 1.
    const c = compareLatency(constant(1, 1), [1, 3].map((ms) => constant(ms, 1)[0]), { seed: 1, resamples: 1000, confidence: 0.1 });
    expect([c.median.ratio, c.median.ciLow, c.median.ciHigh]).toEqual([1, 1, 1]);
    expect(c.median.withinNoise).toBe(true); // an interval [1, 1] contains 1
    // At 95 %, the 97.5th percentile is a resample that drew 3 twice.
    const wide = compareLatency(constant(1, 1), [1, 3].map((ms) => constant(ms, 1)[0]), { seed: 1, resamples: 1000 });
    expect([wide.median.ciLow, wide.median.ciHigh]).toEqual([1, 3]);
  });

  it('reads the interval at the confidence asked for, over traces of different lengths (hand-computed)', () => {
    // Baseline [4] (one query), candidate [2, 6] (two): resampled mean ratios 0.5, 1, 1.5 with chances 1/4, 1/2, 1/4.
    const candidate = [2, 6].map((ms) => constant(ms, 1)[0]);
    const at = (confidence: number) => compareLatency(constant(4, 1), candidate, { seed: 3, resamples: 1000, confidence }).mean;
    expect(at(0.4)).toMatchObject({ ratio: 1, ciLow: 1, ciHigh: 1 }); // 30th and 70th percentiles
    expect(at(0.9)).toMatchObject({ ciLow: 0.5, ciHigh: 1.5 }); // 5th and 95th
  });

  it('names a faster candidate by the share of time saved, its interval in order (hand-computed)', () => {
    // Baseline 4 ms; candidate [1, 3]: median ratio 1/4 (resampled: 1/4 or 3/4), mean ratio 1/2 (1/4, 1/2 or 3/4).
    const c = compareLatency(constant(4, 1), [1, 3].map((ms) => constant(ms, 1)[0]), { seed: 2, resamples: 1000 });
    expect(c.verdict).toBe('hybrid p50 1.00 ms vs baseline 4.00 ms: hybrid is 75% faster (95% CI 25%–75%)');
    expect(c.mean.verdict).toBe('hybrid mean 2.00 ms vs baseline 4.00 ms: hybrid is 50% faster (95% CI 25%–75%)');
    expect(c.median).toMatchObject({ withinNoise: false, practicallyEqual: false });
  });

  it('names a slower candidate by the extra time, its interval in order, times of 100 ms and more to a tenth', () => {
    // Baseline 100 ms; candidate [300, 500]: median ratio 3 (resampled: 3 or 5).
    const c = compareLatency(constant(100, 1), [300, 500].map((ms) => constant(ms, 1)[0]), { seed: 2, resamples: 1000, labels: { baseline: 'A', candidate: 'B' } });
    expect(c.verdict).toBe('B p50 300.0 ms vs A 100.0 ms: B is 200% slower (95% CI 200%–400%)');
    expect(c.labels).toEqual({ baseline: 'A', candidate: 'B' });
  });

  it('calls an estimate of exactly 1 whose interval lies above 1 slower, its interval in order', () => {
    const e = ratioEstimate({ statistic: 'median', baselineMs: 2, candidateMs: 2, ratio: 1, ciLow: 1.01, ciHigh: 1.05 }, verdictRules({}));
    expect([e.withinNoise, e.practicallyEqual]).toEqual([false, true]);
    expect(e.verdict).toBe('hybrid p50 2.00 ms vs baseline 2.00 ms: hybrid is 0% slower (95% CI 1%–5%): a real difference, but practically equal (under 2%)');
  });

  it('reports the options it used', () => {
    const c = compareLatency(constant(4), constant(4.5), { seed: 7, resamples: 30 });
    expect(c).toMatchObject({ seed: 7, resamples: 30, confidence: 0.95, practicalThreshold: 0.02, labels: { baseline: 'baseline', candidate: 'hybrid' } });
    expect(c.baseline).toMatchObject({ count: 50, p50Ms: 4 });
    expect(c.candidate).toMatchObject({ count: 50, meanMs: 4.5 });
    expect(LatencyComparisonSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });

  it('is reproducible from its seed', () => {
    const a = trace(200, 1, 1);
    const b = trace(200, 2, 1.05);
    expect(compareLatency(a, b, { seed: 9, resamples: 300 })).toEqual(compareLatency(a, b, { seed: 9, resamples: 300 }));
    expect(compareLatency(a, b, { seed: 9, resamples: 300 }).median.ciLow).not.toBe(compareLatency(a, b, { seed: 10, resamples: 300 }).median.ciLow);
  });

  it('reports the stage breakdown of both sides', () => {
    const c = compareLatency(trace(50, 1, 1), constant(3), { seed: 1, resamples: 100 });
    expect(c.stages.baseline.share.encode).toBeCloseTo(0.8, 12);
    expect(c.stages.baseline.share.other).toBeCloseTo(0.05, 12);
    expect(c.stages.candidate.share).toEqual({ tokenize: 0, encode: 1, search: 0, other: 0 });
  });

  it('refuses an empty side and nonsense options, saying which', () => {
    expect(() => compareLatency([], constant(1), { seed: 1 })).toThrow(new RangeError('comparing latency needs at least one sample on each side'));
    expect(() => compareLatency(constant(1), [], { seed: 1 })).toThrow(/at least one sample on each side/);
    expect(() => compareLatency(constant(1), constant(1), { seed: 1, confidence: 1 })).toThrow(/confidence must be within \(0, 1\), got 1/);
    expect(() => compareLatency(constant(1), constant(1), { seed: 1, confidence: 0 })).toThrow(/confidence must be within \(0, 1\), got 0/);
    expect(() => compareLatency(constant(1), constant(1), { seed: 1, resamples: 0 })).toThrow(/resamples must be a positive integer, got 0/);
    expect(() => compareLatency(constant(1), constant(1), { seed: 1, resamples: 1.5 })).toThrow(/resamples must be a positive integer, got 1.5/);
    expect(compareLatency(constant(1), constant(1), { seed: 1, resamples: 1 }).median.ratio).toBe(1);
    expect(() => compareLatency(constant(1), constant(1), { seed: 1, practicalThreshold: 1 })).toThrow(new RangeError('practicalThreshold must be within [0, 1), got 1'));
    expect(() => compareLatency(constant(1), constant(1), { seed: 1, practicalThreshold: -0.01 })).toThrow('practicalThreshold must be within [0, 1), got -0.01');
    // A threshold of 0 is allowed: then nothing is practically equal, not even identical traces.
    const strict = compareLatency(constant(1), constant(1), { seed: 1, resamples: 10, practicalThreshold: 0 });
    expect([strict.practicalThreshold, strict.median.practicallyEqual]).toEqual([0, false]);
  });
});
