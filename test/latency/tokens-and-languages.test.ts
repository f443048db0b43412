import { describe, expect, it } from 'vitest';
import { latencyByLanguage } from '../../main/engine/latency/by-language.ts';
import { fitTokenCost, tokenCost } from '../../main/engine/latency/token-cost.ts';

const q = (lang: string | undefined, tokens: number, totalMs: number) => ({ ...(lang !== undefined && { lang }), tokens, totalMs, encodeMs: totalMs - 1 });

describe('latencyByLanguage', () => {
  it('groups by query language with percentiles and the token counts (hand-computed)', () => {
    const groups = latencyByLanguage([q('th', 30, 9), q('en', 10, 4), q('th', 20, 7), q(undefined, 99, 99), q('en', 12, 5), q('th', 40, 11)]);
    expect(groups.map((g) => g.lang)).toEqual(['en', 'th']);
    expect(groups[0].tokens).toEqual({ mean: 11, min: 10, max: 12 });
    expect(groups[0].summary).toMatchObject({ count: 2, p50Ms: 4, p90Ms: 5, p99Ms: 5, meanMs: 4.5 });
    expect(groups[1].tokens).toEqual({ mean: 30, min: 20, max: 40 });
    // Nearest rank among 7, 9, 11: p50 rank 2, p90 and p99 rank 3.
    expect(groups[1].summary).toMatchObject({ count: 3, p50Ms: 9, p90Ms: 11, p99Ms: 11, meanMs: 9 });
  });

  it('is empty for a trace without languages', () => {
    expect(latencyByLanguage([q(undefined, 5, 1)])).toEqual([]);
  });
});

describe('fitTokenCost', () => {
  it('recovers an exact line', () => {
    expect(fitTokenCost([{ tokens: 1, ms: 3 }, { tokens: 2, ms: 5 }, { tokens: 3, ms: 7 }])).toMatchObject({ fixedMs: 1, perTokenMs: 2, r2: 1, samples: 3 });
  });

  it('gives the least-squares line, R² and the median and mean per token count (hand-computed)', () => {
    // x̄ = 2.25, ȳ = 4.5, Sxx = 2.75, Sxy = 5.5: slope 2, intercept 0; residuals 0, 0, −1, 1; Syy = 13.
    const fit = fitTokenCost([{ tokens: 1, ms: 2 }, { tokens: 2, ms: 4 }, { tokens: 3, ms: 5 }, { tokens: 3, ms: 7 }])!;
    expect(fit.perTokenMs).toBeCloseTo(2, 12);
    expect(fit.fixedMs).toBeCloseTo(0, 12);
    expect(fit.r2).toBeCloseTo(11 / 13, 12);
    expect(fit.points).toEqual([
      { tokens: 1, count: 1, p50Ms: 2, meanMs: 2 },
      { tokens: 2, count: 1, p50Ms: 4, meanMs: 4 },
      { tokens: 3, count: 2, p50Ms: 5, meanMs: 6 },
    ]);
  });

  it('fits nothing where every query has the same length, and leaves R² undefined for constant latency', () => {
    expect(fitTokenCost([{ tokens: 4, ms: 1 }, { tokens: 4, ms: 2 }])).toBeNull();
    expect(fitTokenCost([])).toBeNull();
    expect(fitTokenCost([{ tokens: 1, ms: 2 }, { tokens: 2, ms: 2 }])).toMatchObject({ perTokenMs: 0, fixedMs: 2, r2: null });
  });

  it('fits total latency and the encode stage separately', () => {
    const cost = tokenCost([q('en', 1, 3), q('en', 2, 5)]);
    expect(cost.total).toMatchObject({ fixedMs: 1, perTokenMs: 2 });
    expect(cost.encode).toMatchObject({ fixedMs: 0, perTokenMs: 2 });
  });
});
