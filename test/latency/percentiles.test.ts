import { describe, expect, it } from 'vitest';
import { nearestRank, percentileOfSorted, sortedCopy } from '../../main/engine/latency/percentiles.ts';
import { LatencySummarySchema, queriesPerSecond, summarize, summarizeSorted } from '../../main/engine/latency/summary.ts';
import { createQueryOrder } from '../../main/engine/latency/query-order.ts';

/** 1 … n in a seeded shuffled order, so sorting is exercised. */
const shuffledOneTo = (n: number) => Array.from({ length: n }, createQueryOrder(n, n)).map((i) => i + 1);

describe('nearestRank', () => {
  it('is ⌈p/100 · n⌉, clamped to 1 … n', () => {
    expect(nearestRank(0, 10)).toBe(1);
    expect(nearestRank(50, 10)).toBe(5);
    expect(nearestRank(50, 11)).toBe(6);
    expect(nearestRank(95, 10)).toBe(10);
    expect(nearestRank(100, 10)).toBe(10);
  });

  it('does not jump a rank where floating point overshoots a whole number', () => {
    expect(nearestRank(99.9, 1000)).toBe(999);
    expect(nearestRank(99, 1000)).toBe(990);
    expect(nearestRank(99, 100_000)).toBe(99_000);
    expect(nearestRank(99.9, 100_000)).toBe(99_900);
    // Here the double product is 161.00000000000003: a plain ceil would say 162.
    expect(nearestRank(64.4, 250)).toBe(161);
    expect(nearestRank(8.8, 375)).toBe(33);
  });

  it('rejects percentiles outside 0–100 and empty samples, saying which', () => {
    expect(() => nearestRank(-1, 5)).toThrow(RangeError);
    expect(() => nearestRank(-1, 5)).toThrow('percentile must be within 0–100, got -1');
    expect(() => nearestRank(100.5, 5)).toThrow('percentile must be within 0–100, got 100.5');
    expect(() => nearestRank(Number.NaN, 5)).toThrow('percentile must be within 0–100, got NaN');
    expect(() => nearestRank(50, 0)).toThrow(new RangeError('a percentile of an empty sample is undefined'));
  });
});

describe('percentileOfSorted', () => {
  it('takes the lower middle value as the median of an even count (not the average)', () => {
    expect(percentileOfSorted([1, 3], 50)).toBe(1);
    expect(percentileOfSorted([1, 2, 3, 4], 50)).toBe(2);
    expect(percentileOfSorted([1, 2, 3, 4], 51)).toBe(3);
  });
});

describe('sortedCopy', () => {
  it('sorts numerically without touching the input, and rejects NaN', () => {
    const input = [10, 9, 100, 1];
    expect([...sortedCopy(input)]).toEqual([1, 9, 10, 100]);
    expect(input).toEqual([10, 9, 100, 1]);
    expect(() => sortedCopy([1, Number.NaN])).toThrow(new RangeError('latency values contain NaN'));
  });
});

describe('summarize (hand-computed)', () => {
  it('n = 1: every order statistic is the value; the standard deviation is undefined', () => {
    expect(summarize([7])).toEqual({
      count: 1, meanMs: 7, stdDevMs: null, minMs: 7, p50Ms: 7, p90Ms: 7, p95Ms: 7, p99Ms: 7, p999Ms: 7, maxMs: 7,
    });
  });

  it('n = 2', () => {
    // Ranks: p50 ⌈1⌉ = 1, p90 ⌈1.8⌉ = 2. s = √(((1−2)² + (3−2)²) / 1) = √2.
    expect(summarize([3, 1])).toEqual({
      count: 2, meanMs: 2, stdDevMs: Math.SQRT2, minMs: 1, p50Ms: 1, p90Ms: 3, p95Ms: 3, p99Ms: 3, p999Ms: 3, maxMs: 3,
    });
  });

  it('n = 5', () => {
    // Ranks: p50 ⌈2.5⌉ = 3, p90 ⌈4.5⌉ = 5. s = √(10 / 4).
    const s = summarize([5, 1, 4, 2, 3]);
    expect(s).toMatchObject({ count: 5, meanMs: 3, minMs: 1, p50Ms: 3, p90Ms: 5, p95Ms: 5, p99Ms: 5, p999Ms: 5, maxMs: 5 });
    expect(s.stdDevMs).toBeCloseTo(1.5811388300841898, 12);
  });

  it('n = 10, with non-integer values', () => {
    // 0.5 … 5.0 in steps of 0.5. Ranks: p50 5, p90 9, p95 ⌈9.5⌉ = 10. s = 0.5 · √(10·11/12).
    const values = shuffledOneTo(10).map((v) => v / 2);
    const s = summarize(values);
    expect(s).toMatchObject({ count: 10, meanMs: 2.75, minMs: 0.5, p50Ms: 2.5, p90Ms: 4.5, p95Ms: 5, p99Ms: 5, p999Ms: 5, maxMs: 5 });
    expect(s.stdDevMs).toBeCloseTo(0.5 * Math.sqrt(110 / 12), 12);
  });

  it('n = 1000: 1 … 1000 shuffled', () => {
    // Rank of p is p · 10 exactly; the sample variance of 1 … n is n(n + 1)/12.
    const s = summarize(shuffledOneTo(1000));
    expect(s).toMatchObject({ count: 1000, meanMs: 500.5, minMs: 1, p50Ms: 500, p90Ms: 900, p95Ms: 950, p99Ms: 990, p999Ms: 999, maxMs: 1000 });
    expect(s.stdDevMs).toBeCloseTo(Math.sqrt((1000 * 1001) / 12), 9);
  });

  it('keeps precision for large offsets (two-pass variance)', () => {
    const s = summarize([1e9 + 1, 1e9 + 2, 1e9 + 3]);
    expect(s.stdDevMs).toBe(1);
  });

  it('refuses an empty sample, sorted or not', () => {
    expect(() => summarize([])).toThrow(new RangeError('cannot summarise an empty latency sample'));
    expect(() => summarizeSorted([])).toThrow(new RangeError('cannot summarise an empty latency sample'));
  });

  it('is described by its schema', () => {
    const s = summarize([3, 1, 2]);
    expect(LatencySummarySchema.parse(JSON.parse(JSON.stringify(s)))).toEqual(s);
    expect(LatencySummarySchema.safeParse({ ...s, p99Ms: undefined }).success).toBe(false);
  });

  it('takes values already sorted as they are', () => {
    expect(summarizeSorted([1, 2, 4])).toMatchObject({ count: 3, minMs: 1, p50Ms: 2, maxMs: 4 });
  });
});

describe('queriesPerSecond', () => {
  it('is count per elapsed second, null when no time passed', () => {
    expect(queriesPerSecond(50, 2000)).toBe(25);
    expect(queriesPerSecond(3, 0)).toBeNull();
  });
});
