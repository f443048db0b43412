import { describe, expect, it } from 'vitest';
import { compareLatency, LatencyComparisonSchema, withheldDifference } from '../../main/engine/latency/compare.ts';
import { compareRounds, logRatioInterval, MIN_PAIRED_ROUNDS, type RoundBlocks } from '../../main/engine/latency/paired-rounds.ts';
import { sample, simulateRounds, type MachineNoise } from './synthetic-rounds.ts';

const block = (...totals: number[]) => totals.map(sample);
const pooled = (rounds: RoundBlocks[]) => [rounds.flatMap((r) => r.baseline), rounds.flatMap((r) => r.candidate)] as const;

describe('logRatioInterval', () => {
  it('is the t interval of the mean log ratio (hand-computed, scipy for t)', () => {
    // ln 1.1, ln 1.0, ln 1.2: mean 0.0925439, sd 0.0911923; t(0.975, 2) = 4.3026527.
    const e = logRatioInterval([1.1, 1.0, 1.2], 0.95);
    expect(e.ratio).toBeCloseTo(1.0969613104865237, 12);
    expect(e.ciLow).toBeCloseTo(0.8745986371595587, 12);
    expect(e.ciHigh).toBeCloseTo(1.3758586688545016, 12);
  });

  it('narrows with the confidence asked for, and collapses when every round agrees', () => {
    const e90 = logRatioInterval([1.1, 1.0, 1.2], 0.9);
    // t(0.95, 2) = 2.9199856 (scipy): exp(0.0925439 ± 0.1537370).
    expect(e90.ciLow).toBeCloseTo(0.9406417240970077, 12);
    expect(e90.ciHigh).toBeCloseTo(1.2792587080479256, 12);
    const flat = logRatioInterval([1.05, 1.05, 1.05, 1.05], 0.95);
    expect(flat.ratio).toBeCloseTo(1.05, 14);
    expect(flat.ciLow).toBeCloseTo(1.05, 14);
    expect(flat.ciHigh).toBeCloseTo(1.05, 14);
  });

  it('refuses fewer than two ratios and ratios that are not positive', () => {
    expect(MIN_PAIRED_ROUNDS).toBe(2);
    expect(() => logRatioInterval([1.1], 0.95)).toThrow('an interval needs at least 2 ratios, got 1');
    expect(() => logRatioInterval([1.1, 0], 0.95)).toThrow('every ratio must be a positive finite number');
    expect(() => logRatioInterval([1.1, -2], 0.95)).toThrow(RangeError);
    expect(() => logRatioInterval([1.1, Number.POSITIVE_INFINITY], 0.95)).toThrow(RangeError);
  });
});

describe('compareRounds', () => {
  const rounds: RoundBlocks[] = [
    { baseline: block(10, 10, 10), candidate: block(11, 11, 11) },
    { baseline: block(10), candidate: block(10) },
    { baseline: block(5, 5, 5), candidate: block(6, 6, 6) },
  ];

  it('forms the interval from per-round ratios of block medians and means', () => {
    const c = compareRounds(rounds);
    expect(c.method).toBe('paired-rounds');
    expect(c.roundRatios).toEqual([1.1, 1, 1.2]);
    expect(c.median.ratio).toBeCloseTo(1.0969613104865237, 12);
    expect(c.median.ciLow).toBeCloseTo(0.8745986371595587, 12);
    expect(c.mean.ciHigh).toBeCloseTo(1.3758586688545016, 12);
    // Pooled medians (nearest rank of 7): 10 and 10; pooled means 60/7 and 61/7.
    expect(c.baseline.p50Ms).toBe(10);
    expect(c.candidate.p50Ms).toBe(10);
    expect(c.mean.baselineMs).toBeCloseTo(55 / 7, 12);
    expect(c.mean.candidateMs).toBeCloseTo(61 / 7, 12);
    expect(c.resamples).toBeUndefined();
    expect(c.verdict).toBe(
      'hybrid p50 10.0 ms vs baseline 10.0 ms: ratio 1.097 (95% CI 0.875–1.376, 3 paired rounds): no difference beyond noise, but not practically equal either (the estimate differs by 2% or more): measure longer to narrow the interval',
    );
    expect(c.stages.candidate.share.encode).toBeCloseTo(0.8, 12);
  });

  it("takes each round's mean over its own blocks, however long each block is", () => {
    // Round 1: means 15 and 20, medians (nearest rank) 10 and 18; round 2: means 4 and 6, medians 4 and 5.
    const c = compareRounds([
      { baseline: block(10, 20), candidate: block(12, 18, 30) },
      { baseline: block(4), candidate: block(5, 7) },
    ]);
    expect(c.mean.statistic).toBe('mean');
    expect(c.median.statistic).toBe('median');
    // Geometric means: √(4/3 · 3/2) = √2 of the means, √(1.8 · 1.25) = 1.5 of the medians.
    expect(c.mean.ratio).toBeCloseTo(Math.SQRT2, 12);
    expect(c.median.ratio).toBeCloseTo(1.5, 12);
    expect(c.roundRatios).toEqual([1.8, 1.25]);
  });

  it('names a difference the rounds agree on, with its interval across rounds', () => {
    const c = compareRounds([1.1, 1.12, 1.09, 1.11].map((r) => ({ baseline: block(4, 4), candidate: block(4 * r, 4 * r) })), { labels: { baseline: 'A', candidate: 'B' } });
    expect(c.median.withinNoise).toBe(false);
    // scipy: geometric mean 1.1049434, t interval 1.0845904–1.1256785.
    expect(c.median.ciLow).toBeCloseTo(1.0845903529499594, 12);
    expect(c.median.ciHigh).toBeCloseTo(1.1256784578472, 12);
    expect(c.verdict).toBe('B p50 4.40 ms vs A 4.00 ms: B is 10.5% slower (95% CI 8.5%–12.6%, 4 paired rounds)');
  });

  it('uses the practical threshold and confidence it is given', () => {
    const c = compareRounds([1.03, 1.03].map((r) => ({ baseline: block(2), candidate: block(2 * r) })), { practicalThreshold: 0.05, confidence: 0.9 });
    expect(c.practicalThreshold).toBe(0.05);
    expect(c.confidence).toBe(0.9);
    expect(c.verdict).toBe('hybrid p50 2.06 ms vs baseline 2.00 ms: hybrid is 3% slower (90% CI 3%–3%, 2 paired rounds): a real difference, but practically equal (under 5%)');
  });

  it('refuses too few rounds, an empty block and nonsense options', () => {
    expect(() => compareRounds(rounds.slice(0, 1))).toThrow(/at least 2 rounds/);
    expect(() => compareRounds([...rounds, { baseline: [], candidate: block(1) }])).toThrow('every round needs at least one sample of each system');
    expect(() => compareRounds([{ baseline: block(1), candidate: [] }, ...rounds])).toThrow('every round needs at least one sample of each system');
    expect(() => compareRounds(rounds, { confidence: 1 })).toThrow(RangeError);
    expect(() => compareRounds(rounds, { practicalThreshold: -0.1 })).toThrow(RangeError);
  });

  it('withholds a difference as inconclusive when the machine was busy, and keeps "within noise"', () => {
    const slower = compareRounds([1.2, 1.21, 1.19].map((r) => ({ baseline: block(1), candidate: block(r) })));
    const held = withheldDifference(slower, 'the machine was busy (others took 80% of the CPU)');
    expect(held.inconclusive).toBe('the machine was busy (others took 80% of the CPU)');
    expect(held.verdict).toMatch(/^inconclusive: the machine was busy \(others took 80% of the CPU\); measured: hybrid p50 1\.20 ms vs baseline 1\.00 ms: hybrid is 20% slower/);
    expect(held.mean.verdict).toMatch(/^inconclusive: /);
    expect(held.median.ratio).toBe(slower.median.ratio);
    const equal = compareRounds(rounds);
    expect(withheldDifference(equal, 'busy')).toBe(equal);
  });

  it('withholds the one statistic that shows a difference when the other is within noise', () => {
    const slower = compareRounds([1.2, 1.21, 1.19].map((r) => ({ baseline: block(1), candidate: block(r) })));
    const equal = compareRounds(rounds);
    const meanOnly = withheldDifference({ ...slower, median: equal.median }, 'busy');
    expect(meanOnly.inconclusive).toBe('busy');
    expect(meanOnly.median).toBe(equal.median);
    expect(meanOnly.mean.verdict).toBe(`inconclusive: busy; measured: ${slower.mean.verdict}`);
    const medianOnly = withheldDifference({ ...slower, mean: equal.mean }, 'busy');
    expect(medianOnly.inconclusive).toBe('busy');
    expect(medianOnly.mean).toBe(equal.mean);
    expect(medianOnly.verdict).toBe(`inconclusive: busy; measured: ${slower.median.verdict}`);
  });

  it('is kept in a stored result as it is, method included', () => {
    const c = compareRounds(rounds);
    expect(c.method).toBe('paired-rounds');
    expect(LatencyComparisonSchema.parse(JSON.parse(JSON.stringify(c)))).toEqual(c);
  });
});

describe('paired rounds against the bootstrap of queries on a drifting, bursty machine', () => {
  // The machine slows 10% over the run; a tenth of the blocks are hit by a burst that makes them
  // 20% slower; blocks differ by 2% besides; queries by 8%.
  const noise: MachineNoise = { drift: 0.1, blockSd: 0.02, burstChance: 0.1, burstSlowdown: 0.2, querySd: 0.08 };
  const run = (seed: number, candidateFactor: number) => simulateRounds(seed, { rounds: 20, perBlock: 30, candidateFactor, noise });

  it('a trace with drift and bursts: the old method calls a difference between identical systems, the new one does not', () => {
    // Hand-made: 10 rounds of constant blocks on a machine slowing 1.5% per block; bursts of +20%
    // hit the candidate's blocks in rounds 2 and 5 and the baseline's in round 7.
    const rounds: RoundBlocks[] = [];
    let level = 1;
    for (let r = 0; r < 10; r++) {
      const blocks: Record<'baseline' | 'candidate', number> = { baseline: 0, candidate: 0 };
      for (const side of r % 2 === 0 ? (['baseline', 'candidate'] as const) : (['candidate', 'baseline'] as const)) {
        const burst = (side === 'candidate' && (r === 2 || r === 5)) || (side === 'baseline' && r === 7) ? 1.2 : 1;
        blocks[side] = level * burst;
        level *= 1.015;
      }
      rounds.push({ baseline: block(...Array.from({ length: 40 }, (_, i) => blocks.baseline * (1 + i * 1e-4))), candidate: block(...Array.from({ length: 40 }, (_, i) => blocks.candidate * (1 + i * 1e-4))) });
    }
    const [a, b] = pooled(rounds);
    expect(compareLatency(a, b, { seed: 1, resamples: 500 }).median.withinNoise).toBe(false);
    expect(compareRounds(rounds).median.withinNoise).toBe(true);
  });

  it('over 400 seeded A/A runs, calls a difference about 1 time in 20 (the old method: far more often)', () => {
    let falseNew = 0;
    for (let seed = 1; seed <= 400; seed++) if (!compareRounds(run(seed, 1)).median.withinNoise) falseNew++;
    let falseOld = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const [a, b] = pooled(run(seed, 1));
      if (!compareLatency(a, b, { seed, resamples: 200 }).median.withinNoise) falseOld++;
    }
    expect(falseNew / 400).toBeLessThanOrEqual(0.07);
    expect(falseNew / 400).toBeGreaterThan(0.01);
    expect(falseOld / 60).toBeGreaterThan(0.25);
  });

  it('still detects a real 10% slowdown on that machine', () => {
    let detected = 0;
    for (let seed = 1; seed <= 200; seed++) {
      const c = compareRounds(run(seed, 1.1));
      if (!c.median.withinNoise && c.median.ratio > 1) detected++;
    }
    expect(detected / 200).toBeGreaterThanOrEqual(0.95);
  });
});
