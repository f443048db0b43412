import { describe, expect, it } from 'vitest';
import { efficiencyOf } from '../../main/engine/roofline/efficiency.ts';
import { ModelFlops } from '../../main/engine/roofline/flop-count.ts';
import type { PeakMeasurement } from '../../main/engine/roofline/matmul-peak.ts';
import { attentionBlock, attentionBlockFlops } from './graphs.ts';

const peak = (fp32: number, fp16?: number): PeakMeasurement => ({
  provider: 'cpu',
  intraOpThreads: 2,
  measuredAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
  fp32: { supported: true, gflops: fp32, best: { m: 1, k: 1, n: 1 }, sizes: [] },
  fp16: fp16 === undefined ? { supported: false, reason: 'none' } : { supported: true, gflops: fp16, best: { m: 1, k: 1, n: 1 }, sizes: [] },
});
const flopsOf = (batch: number, seq: number) => {
  const f = attentionBlockFlops(batch, seq);
  return f.weights + f.attention;
};

describe('efficiencyOf', () => {
  it('divides the FLOPs of each run at its own shape by the summed encode time (hand-computed)', () => {
    const flops = new ModelFlops(attentionBlock());
    const records = [
      { batchSize: 1, sequenceLength: 4, encodeMs: 0.002 },
      { batchSize: 1, sequenceLength: 9, encodeMs: 0.003 },
    ];
    const total = flopsOf(1, 4) + flopsOf(1, 9);
    const e = efficiencyOf(1, records, flops, peak(0.5));
    expect(e).toMatchObject({ batchSize: 1, runs: 2, flops: total, encodeMs: 0.005, precision: 'fp32', peakGflops: 0.5 });
    expect(e.achievedGflops).toBeCloseTo(total / (0.005 * 1e6), 12);
    expect(e.fractionOfPeak).toBeCloseTo(total / (0.005 * 1e6) / 0.5, 12);
  });

  it('counts a padded batch at its padded length', () => {
    const e = efficiencyOf(4, [{ batchSize: 4, sequenceLength: 7, encodeMs: 1 }], new ModelFlops(attentionBlock()), null);
    expect(e.flops).toBe(flopsOf(4, 7));
    expect([e.peakGflops, e.fractionOfPeak]).toEqual([null, null]);
  });

  it('gives no rate for no time, and no fraction without a peak of that precision', () => {
    const flops = new ModelFlops(attentionBlock());
    expect(efficiencyOf(1, [], flops, peak(1)).achievedGflops).toBeNull();
    const p = peak(1);
    p.fp32 = { supported: false, reason: 'no kernel' };
    expect(efficiencyOf(1, [{ batchSize: 1, sequenceLength: 3, encodeMs: 1 }], flops, p)).toMatchObject({ peakGflops: null, fractionOfPeak: null });
  });
});
