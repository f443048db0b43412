import { describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { bootstrapCi } from '../../main/engine/metrics/bootstrap.ts';
import type { QualityDetail } from '../../main/engine/metrics/evaluate-quality.ts';
import { comparePairedQuality } from '../../main/engine/metrics/paired-bootstrap.ts';
import { createRng } from '../../main/engine/random/seeded.ts';

const mean = (xs: ArrayLike<number>) => Array.from(xs).reduce((s, x) => s + x, 0) / xs.length;

/**
 * A detail for `groups` question groups, each asked in languages 0 … L−1; AP of every
 * (query, target language) cell and the multilingual AP come from `ap(group, x, y)`.
 */
function detail(groups: number, L: number, ap: (g: number, x: number, y: number) => number): QualityDetail {
  const queries = groups * L;
  const d: QualityDetail = {
    languages: Array.from({ length: L }, (_, i) => `l${i}`),
    queryIds: [],
    queryGroups: [],
    queryLanguage: new Int32Array(queries),
    pairAp: new Float64Array(queries * L),
    multilingualAp: new Float64Array(queries),
    rankGap: new Float64Array(queries),
  };
  for (let g = 0; g < groups; g++) {
    for (let x = 0; x < L; x++) {
      const q = g * L + x;
      d.queryIds.push(`l${x}_${g}`);
      d.queryGroups.push(`g${g}`);
      d.queryLanguage[q] = x;
      for (let y = 0; y < L; y++) d.pairAp[q * L + y] = ap(g, x, y);
      d.multilingualAp[q] = ap(g, x, -1);
      d.rankGap[q] = 100 * (1 - ap(g, x, -1));
    }
  }
  return d;
}

describe('comparePairedQuality', () => {
  const random = createRng(3);
  const noise = Array.from({ length: 50 * 9 * 4 }, () => random());
  const base = detail(50, 3, (g, x, y) => noise[((g * 3 + x) * 4 + y + 1) % noise.length] * 0.8);

  it('finds no difference between identical models: difference 0, interval [0, 0], p = 1', () => {
    const c = comparePairedQuality(base, base, { resamples: 200, seed: 1 });
    expect(c.settings.map((s) => s.setting)).toEqual(['monolingual', 'crossLingual', 'multilingual']);
    for (const s of c.settings) expect([s.difference, s.ciLow, s.ciHigh, s.pValue]).toEqual([0, 0, 0, 1]);
    expect([c.languageBias!.difference, c.languageBias!.ciLow, c.languageBias!.ciHigh]).toEqual([0, 0, 0]);
    expect(c.groups).toBe(50);
  });

  it('reports the same figures as the per-query values define (macro over pairs, mean over queries)', () => {
    const c = comparePairedQuality(base, base, { resamples: 10 });
    const L = 3;
    const pairMean = (x: number, y: number) => mean(Array.from({ length: 50 }, (_, g) => base.pairAp[(g * L + x) * L + y]));
    const mono = mean([0, 1, 2].map((x) => pairMean(x, x)));
    const cross = mean([0, 1, 2].flatMap((x) => [0, 1, 2].filter((y) => y !== x).map((y) => pairMean(x, y))));
    expect(c.settings[0].baseline).toBeCloseTo(mono, 12);
    expect(c.settings[1].baseline).toBeCloseTo(cross, 12);
    expect(c.settings[2].baseline).toBeCloseTo(mean(base.multilingualAp), 12);
    expect(c.languageBias!.baseline).toBeCloseTo(mean(base.rankGap), 12);
  });

  it('excludes 0 from the interval when the candidate is better on every group', () => {
    const better = detail(50, 3, (g, x, y) => noise[((g * 3 + x) * 4 + y + 1) % noise.length] * 0.8 + 0.01 + 0.1 * noise[g]);
    const c = comparePairedQuality(base, better, { resamples: 500, seed: 5 });
    for (const s of c.settings) {
      expect(s.difference).toBeGreaterThan(0);
      expect(s.ciLow).toBeGreaterThan(0);
      expect(s.ciLow).toBeLessThanOrEqual(s.difference);
      expect(s.ciHigh).toBeGreaterThanOrEqual(s.difference);
      expect(s.pValue).toBe(0);
    }
    // Higher AP means lower rank gaps here: the candidate is less biased.
    expect(c.languageBias!.ciHigh).toBeLessThan(0);
  });

  it('gives a p-value near 1 and an interval around 0 for an unrelated small perturbation', () => {
    const other = createRng(9);
    const shaken = detail(50, 3, (g, x, y) => noise[((g * 3 + x) * 4 + y + 1) % noise.length] * 0.8 + (other() - 0.5) * 0.02);
    const c = comparePairedQuality(base, shaken, { resamples: 500, seed: 2 });
    for (const s of c.settings) {
      expect(s.ciLow).toBeLessThan(0.01);
      expect(s.ciHigh).toBeGreaterThan(-0.01);
      expect(s.pValue).toBeGreaterThan(0);
      expect(s.pValue).toBeLessThanOrEqual(1);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const shifted = detail(50, 3, (g, x, y) => noise[((g * 3 + x) * 4 + y + 2) % noise.length] * 0.8);
    const a = comparePairedQuality(base, shifted, { resamples: 300, seed: 42 });
    expect(comparePairedQuality(base, shifted, { resamples: 300, seed: 42 })).toEqual(a);
    expect(comparePairedQuality(base, shifted, { resamples: 300, seed: 43 }).settings[0].ciLow).not.toBe(a.settings[0].ciLow);
  });

  it('resamples groups, not queries: translations move together', () => {
    // Two groups; in each, all queries share one AP: the resampled multilingual means can only be
    // 0.2 (group 0 twice), 0.5 (one of each) or 0.8 (group 1 twice); never a mix within a group.
    const two = detail(2, 3, (g) => (g === 0 ? 0.2 : 0.8));
    const zero = detail(2, 3, () => 0);
    const c = comparePairedQuality(zero, two, { resamples: 400, seed: 7 });
    const multi = c.settings.find((s) => s.setting === 'multilingual')!;
    expect(multi.difference).toBeCloseTo(0.5, 12);
    expect(multi.ciLow).toBeCloseTo(0.2, 12);
    expect(multi.ciHigh).toBeCloseTo(0.8, 12);
  });

  it('refuses models evaluated on different queries', () => {
    const fewer = detail(49, 3, () => 0.5);
    expect(() => comparePairedQuality(base, fewer)).toThrow(XlirError);
  });
});

describe('bootstrapCi', () => {
  it('gives the statistic of the samples as the estimate and an interval around it', () => {
    const random = createRng(1);
    const a = Array.from({ length: 400 }, () => random());
    const ci = bootstrapCi([a], (x) => mean(x), { resamples: 500, seed: 3 });
    expect(ci.estimate).toBeCloseTo(mean(a), 12);
    expect(ci.ciLow).toBeLessThan(ci.estimate);
    expect(ci.ciHigh).toBeGreaterThan(ci.estimate);
    // Standard error of a uniform mean ≈ 0.289 / √400 ≈ 0.0144: the 95% interval spans about ±0.028.
    expect(ci.ciHigh - ci.ciLow).toBeGreaterThan(0.04);
    expect(ci.ciHigh - ci.ciLow).toBeLessThan(0.075);
    expect([ci.resamples, ci.seed, ci.confidence]).toEqual([500, 3, 0.95]);
  });

  it('resamples several samples independently (e.g. a ratio of means)', () => {
    const ci = bootstrapCi([[1, 1, 1], [2, 2, 2]], (x, y) => mean(y) / mean(x), { resamples: 50 });
    expect([ci.estimate, ci.ciLow, ci.ciHigh]).toEqual([2, 2, 2]);
    const spread = bootstrapCi([[1, 2, 3, 4], [10]], (x, y) => y[0] - mean(x), { resamples: 300, seed: 8 });
    expect(spread.estimate).toBe(7.5);
    expect(spread.ciLow).toBeGreaterThanOrEqual(6);
    expect(spread.ciHigh).toBeLessThanOrEqual(9);
    expect(spread.ciLow).toBeLessThan(spread.ciHigh);
  });

  it('is deterministic for a seed', () => {
    const sample = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5];
    const run = (seed: number) => bootstrapCi([sample], (x) => mean(x), { resamples: 200, seed });
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });

  it('refuses empty samples and bad options', () => {
    expect(() => bootstrapCi([[]], (x) => mean(x))).toThrow(RangeError);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { confidence: 1 })).toThrow(RangeError);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { resamples: 0 })).toThrow(RangeError);
  });
});
