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

  it('agrees with its interval: p < 0.05 exactly where the 95 % interval excludes 0', () => {
    // A small random perturbation: significant for some figures, not for others.
    const other = createRng(9);
    const shaken = detail(50, 3, (g, x, y) => noise[((g * 3 + x) * 4 + y + 1) % noise.length] * 0.8 + (other() - 0.5) * 0.02);
    const c = comparePairedQuality(base, shaken, { resamples: 500, seed: 2 });
    for (const s of c.settings) {
      expect(s.ciLow).toBeLessThanOrEqual(s.difference);
      expect(s.ciHigh).toBeGreaterThanOrEqual(s.difference);
      expect(s.pValue < 0.05).toBe(s.ciLow > 0 || s.ciHigh < 0);
    }
    // Both sides of the rule are exercised.
    expect(new Set(c.settings.map((s) => s.pValue < 0.05))).toEqual(new Set([true, false]));
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

/** A detail written out query by query: `ap[y]` is the AP against language y's pool (NaN: no answer there). */
function explicitDetail(languages: string[], rows: { id: string; group: string; lang: number; ap: number[]; multi: number; gap: number }[]): QualityDetail {
  return {
    languages,
    queryIds: rows.map((r) => r.id),
    queryGroups: rows.map((r) => r.group),
    queryLanguage: Int32Array.from(rows, (r) => r.lang),
    pairAp: Float64Array.from(rows.flatMap((r) => r.ap)),
    multilingualAp: Float64Array.from(rows, (r) => r.multi),
    rankGap: Float64Array.from(rows, (r) => r.gap),
  };
}

describe('comparePairedQuality on two groups (hand-computed)', () => {
  // Group A: q0 (en), answered in en only. Group B: q1 (de), answered in en and de.
  //               en→en   de→en  de→de   multilingual   rank gap
  // baseline      1.0     0.4    0.6     0.75 (mean)    q1: 3
  // candidate     0.5     0.8    0.6     0.6            q1: 1
  // Monolingual is the macro mean over the cells en→en, de→de: 0.8 vs 0.55 (difference −0.25);
  // cross-lingual is de→en alone: 0.4 vs 0.8 (+0.4).
  // A resample draws two groups. Its differences: AA: mono −0.5, no cross-lingual cell, multi −0.5;
  // AB: mono −0.25, cross +0.4, multi −0.15; BB: mono 0, cross +0.4, multi +0.2.
  const en = ['en', 'de'];
  const baseline = explicitDetail(en, [
    { id: 'q0', group: 'A', lang: 0, ap: [1.0, Number.NaN], multi: 1.0, gap: Number.NaN },
    { id: 'q1', group: 'B', lang: 1, ap: [0.4, 0.6], multi: 0.5, gap: 3 },
  ]);
  const candidate = explicitDetail(en, [
    { id: 'q0', group: 'A', lang: 0, ap: [0.5, Number.NaN], multi: 0.5, gap: Number.NaN },
    { id: 'q1', group: 'B', lang: 1, ap: [0.8, 0.6], multi: 0.7, gap: 1 },
  ]);
  const resamples = 400;
  /** How many of the resamples drew group B (index 1) twice, replaying the seeded draws. */
  const bothB = (seed: number) => {
    const random = createRng(seed);
    let count = 0;
    for (let r = 0; r < resamples; r++) if (Math.floor(random() * 2) + Math.floor(random() * 2) === 2) count++;
    return count;
  };

  it('gives each figure of both models and the difference', () => {
    const c = comparePairedQuality(baseline, candidate, { resamples, seed: 4 });
    const [mono, cross, multi] = c.settings;
    expect(c.settings.map((s) => s.setting)).toEqual(['monolingual', 'crossLingual', 'multilingual']);
    expect(mono.baseline).toBeCloseTo(0.8, 12);
    expect(mono.candidate).toBeCloseTo(0.55, 12);
    expect(mono.difference).toBeCloseTo(-0.25, 12);
    expect([cross.baseline, cross.candidate]).toEqual([0.4, 0.8]);
    expect(cross.difference).toBeCloseTo(0.4, 12);
    expect([multi.baseline, multi.candidate]).toEqual([0.75, 0.6]);
    expect(c.languageBias).toEqual({ baseline: 3, candidate: 1, difference: -2, ciLow: -2, ciHigh: -2 });
    expect(c.groups).toBe(2);
  });

  it('reads the interval off the resampled differences; a resample without a figure\'s cells is skipped', () => {
    const c = comparePairedQuality(baseline, candidate, { resamples, seed: 4 });
    const [mono, cross, multi] = c.settings;
    expect(mono.ciLow).toBeCloseTo(-0.5, 12);
    expect(mono.ciHigh).toBeCloseTo(0, 12);
    // Every resample with a de→en cell has the difference +0.4; those without one (AA) do not count.
    expect(cross.ciLow).toBeCloseTo(0.4, 12);
    expect(cross.ciHigh).toBeCloseTo(0.4, 12);
    expect(cross.pValue).toBe(0);
    expect(multi.ciLow).toBeCloseTo(-0.5, 12);
    expect(multi.ciHigh).toBeCloseTo(0.2, 12);
  });

  it('the p-value of a worse candidate is twice the share of resamples at or above 0', () => {
    // Only BB resamples (mono difference exactly 0, multi +0.2) go against a negative difference.
    const c = comparePairedQuality(baseline, candidate, { resamples, seed: 4 });
    const expected = (2 * bothB(4)) / resamples;
    expect(expected).toBeGreaterThan(0.35); // P(BB) = 1/4: p ≈ 0.5
    expect(expected).toBeLessThan(0.65);
    expect(c.settings[0].pValue).toBeCloseTo(expected, 12);
    expect(c.settings[2].pValue).toBeCloseTo(expected, 12);
  });

  it('the p-value of a better candidate is twice the share of resamples at or below 0', () => {
    // Swapped: the mono difference is +0.25; BB resamples (exactly 0) and only they go against it.
    const c = comparePairedQuality(candidate, baseline, { resamples, seed: 9 });
    const mono = c.settings[0];
    expect(mono.difference).toBeCloseTo(0.25, 12);
    expect(mono.pValue).toBeCloseTo((2 * bothB(9)) / resamples, 12);
    expect([mono.ciLow, mono.ciHigh]).toEqual([0, 0.5]);
  });

  it('gives p = 1 for a difference of exactly 0, even when most resamples fall below it', () => {
    // Per-group differences −0.375, −0.25, −0.3125, +1, −0.0625, +0.1875, −0.1875 (exact in binary)
    // sum to 0, but skewed: a resample is at or above 0 with probability 0.468 (enumerated over all
    // 7⁷ draws), so "twice the share against" would give p ≈ 0.94. No difference at all is as
    // likely as can be: p = 1.
    const one = (aps: number[]) => explicitDetail(['en'], aps.map((ap, i) => ({ id: `q${i}`, group: `g${i}`, lang: 0, ap: [ap], multi: ap, gap: Number.NaN })));
    const c = comparePairedQuality(one([0.5, 0.5, 0.5, 0, 0.5, 0.5, 0.5]), one([0.125, 0.25, 0.1875, 1, 0.4375, 0.6875, 0.3125]), { resamples: 2000, seed: 2 });
    for (const s of c.settings) {
      expect(s.difference).toBe(0);
      expect(s.ciLow).toBeLessThan(0);
      expect(s.pValue).toBe(1);
    }
  });

  it('has no cross-lingual figure and no language bias for a run in one language', () => {
    const one = (aps: number[]) =>
      explicitDetail(['en'], aps.map((ap, i) => ({ id: `q${i}`, group: `g${i}`, lang: 0, ap: [ap], multi: ap, gap: Number.NaN })));
    const c = comparePairedQuality(one([0.2, 0.4, 0.6]), one([0.3, 0.5, 0.7]), { resamples: 100 });
    expect(c.settings.map((s) => s.setting)).toEqual(['monolingual', 'multilingual']);
    for (const s of c.settings) expect([s.difference, s.ciLow, s.ciHigh, s.pValue].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([0.1, 0.1, 0.1, 0]);
    expect(c.languageBias).toBeNull();
  });

  it('averages a cell over all of its queries when a group asks several in one language', () => {
    // Group A asks two English questions (AP 0.2 and 0.4), group B one (0.9): the en→en mean is 0.5.
    // Resampled means: AA 0.3, AB 0.5, BB 0.9; against a candidate at 0 the differences are their negatives.
    const rowsOf = (aps: number[]) =>
      explicitDetail(['en'], aps.map((ap, i) => ({ id: `q${i}`, group: i < 2 ? 'A' : 'B', lang: 0, ap: [ap], multi: ap, gap: Number.NaN })));
    const c = comparePairedQuality(rowsOf([0.2, 0.4, 0.9]), rowsOf([0, 0, 0]), { resamples: 200, seed: 3 });
    for (const s of c.settings) {
      expect(s.baseline).toBeCloseTo(0.5, 12);
      expect(s.ciLow).toBeCloseTo(-0.9, 12);
      expect(s.ciHigh).toBeCloseTo(-0.3, 12);
    }
  });

  it('refuses details that differ in languages, query ids, groups or relevant candidates, saying what differs', () => {
    const rows = (over: Partial<{ id: string; group: string; ap: number[]; gap: number }> = {}) =>
      explicitDetail(en, [{ id: 'q0', group: 'A', lang: 0, ap: [0.5, 0.5], multi: 0.5, gap: 1, ...over }]);
    const fails = (other: QualityDetail, message: RegExp) => {
      expect(() => comparePairedQuality(rows(), other)).toThrow(message);
      expect(() => comparePairedQuality(rows(), other)).toThrow(expect.objectContaining({ code: 'BOOTSTRAP_MISMATCH' }));
    };
    fails({ ...rows(), languages: ['en', 'fr'] }, /not evaluated on the same queries \(languages en,de vs en,fr\)/);
    fails(rows({ id: 'q9' }), /query 0 is "q0" vs "q9"/);
    fails(rows({ group: 'Z' }), /query 0 is "q0" vs "q0"/);
    fails(rows({ ap: [0.5, Number.NaN] }), /their relevant candidates differ/);
    fails(rows({ gap: Number.NaN }), /their relevant candidates differ/);
    fails(explicitDetail(en, []), /1 vs 0 queries/);
    const none = () => comparePairedQuality(explicitDetail(en, []), explicitDetail(en, []));
    expect(none).toThrow(/there are no evaluated queries to compare/);
    expect(none).toThrow(expect.objectContaining({ code: 'BOOTSTRAP_MISMATCH' }));
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

  it('draws every resample from the seeded stream: sample by sample, value by value, once per resample', () => {
    const seen: number[][][] = [];
    const samples = [[10, 20, 30], [1, 2]];
    bootstrapCi(samples, (x, y) => (seen.push([Array.from(x), Array.from(y)]), 0), { resamples: 3, seed: 5 });
    const random = createRng(5);
    const draw = (s: number[]) => s.map(() => s[Math.floor(random() * s.length)]);
    const expected = [0, 1, 2].map(() => samples.map(draw));
    // Three resamples, then the estimate on the samples as given.
    expect(seen).toEqual([...expected, samples]);
  });

  it('reads the interval off the resampled values by nearest rank, after sorting them', () => {
    // The statistic returns 0, −1, …, −39 for the resamples, then −40 for the estimate.
    const countdown = () => {
      let calls = 0;
      return () => -calls++;
    };
    // 90 %: ranks ⌈5 % · 40⌉ = 2 and ⌈95 % · 40⌉ = 38 of −39 … 0.
    const ci90 = bootstrapCi([[1]], countdown(), { resamples: 40, confidence: 0.9 });
    expect([ci90.estimate, ci90.ciLow, ci90.ciHigh]).toEqual([-40, -38, -2]);
    // The default 95 %: ranks ⌈2.5 % · 40⌉ = 1 and ⌈97.5 % · 40⌉ = 39.
    const ci95 = bootstrapCi([[1]], countdown(), { resamples: 40 });
    expect([ci95.ciLow, ci95.ciHigh, ci95.confidence]).toEqual([-39, -1, 0.95]);
  });

  it('defaults to 2000 resamples with seed 1, and takes a single resample', () => {
    const ci = bootstrapCi([[1, 2, 3]], (x) => mean(x));
    expect([ci.resamples, ci.seed]).toEqual([2000, 1]);
    expect(bootstrapCi([[4]], (x) => x[0], { resamples: 1 })).toMatchObject({ estimate: 4, ciLow: 4, ciHigh: 4, resamples: 1 });
  });

  it('refuses a statistic that returns NaN for any resample', () => {
    let calls = 0;
    expect(() => bootstrapCi([[1, 2]], () => (++calls === 7 ? Number.NaN : 1), { resamples: 50 })).toThrow(/the statistic returned NaN for a resample/);
  });

  it('refuses no samples, an empty sample among others, and bad options, saying which', () => {
    expect(() => bootstrapCi([], () => 0)).toThrow(/every sample needs at least one value/);
    expect(() => bootstrapCi([[1, 2], []], (x) => mean(x))).toThrow(/every sample needs at least one value/);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { resamples: 0 })).toThrow(/resamples must be a positive integer, got 0/);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { resamples: 2.5 })).toThrow(/resamples must be a positive integer, got 2.5/);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { confidence: 1 })).toThrow(/confidence must be within \(0, 1\), got 1/);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { confidence: 0 })).toThrow(/confidence must be within \(0, 1\), got 0/);
    expect(() => bootstrapCi([[1]], (x) => mean(x), { confidence: Number.NaN })).toThrow(/confidence must be within \(0, 1\), got NaN/);
  });
});
