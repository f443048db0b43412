import { describe, expect, it } from 'vitest';
import { percentileOfSorted, sortedCopy } from '../../main/engine/latency/percentiles.ts';
import { RunningSummary } from '../../main/engine/latency/running-summary.ts';
import { createRng } from '../../main/engine/random/seeded.ts';

describe('RunningSummary', () => {
  it('has nothing to show before the first value', () => {
    expect(new RunningSummary().snapshot()).toBeNull();
  });

  it('gives exactly the percentiles of everything added so far, batch after batch', () => {
    const rng = createRng(9);
    const running = new RunningSummary();
    const all: number[] = [];
    // Uneven batches, enough to outgrow the initial storage several times; values with ties.
    for (const size of [1, 7, 0, 300, 2, 1000, 45]) {
      const batch = Array.from({ length: size }, () => Math.round(rng() * 50) / 10);
      running.add(batch);
      all.push(...batch);
      if (all.length === 0) continue;
      const sorted = sortedCopy(all);
      for (const p of [0, 1, 50, 90, 99, 99.9, 100]) expect(running.percentile(p)).toBe(percentileOfSorted(sorted, p));
      const snapshot = running.snapshot()!;
      expect(snapshot.count).toBe(all.length);
      expect(snapshot.meanMs).toBeCloseTo(all.reduce((a, b) => a + b, 0) / all.length, 12);
    }
  });

  it('merges a batch smaller than everything so far in front of it', () => {
    const running = new RunningSummary();
    running.add([5, 6, 7]);
    running.add([1, 2]);
    expect([0, 25, 50, 75, 100].map((p) => running.percentile(p))).toEqual([1, 2, 5, 6, 7]);
  });
});
