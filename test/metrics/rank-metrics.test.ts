import { describe, expect, it } from 'vitest';
import { averagePrecision, ndcgAt, recallAt } from '../../main/engine/metrics/rank-metrics.ts';

describe('averagePrecision', () => {
  it('is 1 when the relevant candidates fill the top ranks', () => {
    expect(averagePrecision([1])).toBe(1);
    expect(averagePrecision([1, 2, 3])).toBe(1);
  });

  it('averages k / rank_k over the relevant candidates', () => {
    // Relevant at ranks 1 and 3: (1/1 + 2/3) / 2.
    expect(averagePrecision([1, 3])).toBeCloseTo((1 + 2 / 3) / 2, 12);
    // One relevant at rank 4: 1/4.
    expect(averagePrecision([4])).toBe(0.25);
    // Ranks 2, 5, 10: (1/2 + 2/5 + 3/10) / 3 = 1.2 / 3.
    expect(averagePrecision([2, 5, 10])).toBeCloseTo(0.4, 12);
  });
});

describe('recallAt', () => {
  it('counts the fraction of relevant candidates within the cutoff', () => {
    expect(recallAt([1, 3], 1)).toBe(0.5);
    expect(recallAt([1, 3], 3)).toBe(1);
    expect(recallAt([2, 6, 11], 5)).toBeCloseTo(1 / 3, 12);
    expect(recallAt([2, 6, 11], 10)).toBeCloseTo(2 / 3, 12);
  });
});

describe('ndcgAt', () => {
  it('is 1 for an ideal ranking and 0 with nothing in the cutoff', () => {
    expect(ndcgAt([1, 2], 10)).toBeCloseTo(1, 12);
    expect(ndcgAt([11], 10)).toBe(0);
  });

  it('uses binary gains and an ideal DCG of min(R, k) relevant candidates', () => {
    // One relevant at rank 3: (1/log2 4) / (1/log2 2) = 0.5.
    expect(ndcgAt([3], 10)).toBeCloseTo(0.5, 12);
    // Ranks 1 and 4: (1 + 1/log2 5) / (1 + 1/log2 3).
    expect(ndcgAt([1, 4], 10)).toBeCloseTo((1 + 1 / Math.log2(5)) / (1 + 1 / Math.log2(3)), 12);
    // 12 relevant at ranks 1…12 with k = 10: the ideal also has only 10 within the cutoff → 1.
    expect(ndcgAt(Array.from({ length: 12 }, (_, i) => i + 1), 10)).toBeCloseTo(1, 12);
    // 3 relevant, only rank 2 inside k = 2: (1/log2 3) / (1 + 1/log2 3).
    expect(ndcgAt([2, 7, 9], 2)).toBeCloseTo(1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 12);
  });
});
