import { describe, expect, it } from 'vitest';
import { efficiencyOf, ridgeIntensity, rooflinePoints } from '../../main/engine/roofline/efficiency.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { attentionBlock, attentionBlockFlops } from './graphs.ts';
import { fakeBandwidth, fakePeak } from './fake-ceilings.ts';

const flopsOf = (batch: number, seq: number) => {
  const f = attentionBlockFlops(batch, seq);
  return f.weights + f.attention;
};
/** attentionBlock's compulsory bytes: its 1,056 bytes of weights, the [b, s] fp32 input and the [b, s, 8] fp32 output. */
const bytesOf = (batch: number, seq: number) => 1056 + batch * seq * 4 + batch * seq * 32;
const cost = () => new ModelCost(attentionBlock());
const ceilings = (peak: number | null, bandwidth: number | null) => ({ peak: fakePeak(peak), bandwidth: fakeBandwidth(bandwidth) });

describe('efficiencyOf', () => {
  it('divides the FLOPs of each run at its own shape by the summed encode time (hand-computed)', () => {
    const records = [
      { batchSize: 1, sequenceLength: 4, encodeMs: 0.002 },
      { batchSize: 1, sequenceLength: 9, encodeMs: 0.003 },
    ];
    const total = flopsOf(1, 4) + flopsOf(1, 9);
    const e = efficiencyOf(1, records, cost(), { peak: fakePeak(0.5), bandwidth: null });
    expect(e).toMatchObject({ batchSize: 1, runs: 2, flops: total, encodeMs: 0.005, precision: 'fp32', peakGflops: 0.5, bytes: bytesOf(1, 4) + bytesOf(1, 9) });
    expect(e.achievedGflops).toBeCloseTo(total / (0.005 * 1e6), 12);
    expect(e.fractionOfPeak).toBeCloseTo(total / (0.005 * 1e6) / 0.5, 12);
    expect(e.intensity).toBeCloseTo(total / (bytesOf(1, 4) + bytesOf(1, 9)), 12);
    // No bandwidth: no attainable ceiling, but the peak still gives its fraction.
    expect([e.attainableGflops, e.bound, e.fractionOfAttainable]).toEqual([null, null, null]);
  });

  it('counts a padded batch at its padded length', () => {
    const e = efficiencyOf(4, [{ batchSize: 4, sequenceLength: 7, encodeMs: 1 }], cost(), { peak: null, bandwidth: null });
    expect(e.flops).toBe(flopsOf(4, 7));
    expect([e.peakGflops, e.fractionOfPeak]).toEqual([null, null]);
  });

  it('gives no rate for no time, and no fraction without a peak of that precision', () => {
    expect(efficiencyOf(1, [], cost(), ceilings(1, 1)).achievedGflops).toBeNull();
    expect(efficiencyOf(1, [{ batchSize: 1, sequenceLength: 3, encodeMs: 1 }], cost(), ceilings(null, 10))).toMatchObject({ peakGflops: null, fractionOfPeak: null, attainableGflops: null });
  });

  it('takes the bandwidth line as the ceiling below the ridge, the peak above it (hand-computed)', () => {
    const record = { batchSize: 1, sequenceLength: 4, encodeMs: 0.01 };
    const intensity = flopsOf(1, 4) / bytesOf(1, 4);
    // GB/s × FLOP/byte = GFLOP/s. A bandwidth that puts the ridge well above this intensity: memory-bound.
    const low = efficiencyOf(1, [record], cost(), ceilings(1000, 1));
    expect(low.bound).toBe('memory');
    expect(low.attainableGflops).toBeCloseTo(intensity * 1, 12);
    expect(low.fractionOfAttainable).toBeCloseTo(low.achievedGflops! / (intensity * 1), 12);
    // Ample bandwidth: the peak binds, and the fraction of attainable is the fraction of the peak.
    const high = efficiencyOf(1, [record], cost(), ceilings(0.2, 1000));
    expect(high.bound).toBe('compute');
    expect(high.attainableGflops).toBe(0.2);
    expect(high.fractionOfAttainable).toBeCloseTo(high.fractionOfPeak!, 12);
  });

  it('sums the shortest time each run could take at the ceilings, for runs on both sides of the ridge', () => {
    const records = [
      { batchSize: 1, sequenceLength: 1, encodeMs: 1 },
      { batchSize: 8, sequenceLength: 64, encodeMs: 1 },
    ];
    const [peak, bandwidth] = [2, 0.5];
    // Per run: max(FLOPs ÷ peak, bytes ÷ bandwidth) nanoseconds.
    const small = { compute: flopsOf(1, 1) / peak, memory: bytesOf(1, 1) / bandwidth };
    const large = { compute: flopsOf(8, 64) / peak, memory: bytesOf(8, 64) / bandwidth };
    expect(small.memory > small.compute && large.compute > large.memory).toBe(true);
    const e = efficiencyOf(1, records, cost(), ceilings(peak, bandwidth));
    expect(e.attainableGflops).toBeCloseTo((flopsOf(1, 1) + flopsOf(8, 64)) / (small.memory + large.compute), 12);
    expect(e.bound).toBe(large.compute > small.memory ? 'compute' : 'memory');
  });

  it('knows where the ceilings meet', () => {
    expect(ridgeIntensity(400, 25)).toBe(16);
  });
});

describe('rooflinePoints', () => {
  it('makes one point per shape, ordered by batch size then tokens, each with its own rate', () => {
    const records = [
      { batchSize: 1, sequenceLength: 9, encodeMs: 2 },
      { batchSize: 1, sequenceLength: 4, encodeMs: 1 },
      { batchSize: 1, sequenceLength: 9, encodeMs: 4 },
      { batchSize: 2, sequenceLength: 4, encodeMs: 3 },
    ];
    const points = rooflinePoints(records, cost(), ceilings(1, 1));
    expect(points.map((p) => [p.batchSize, p.tokens, p.runs])).toEqual([[1, 4, 1], [1, 9, 2], [2, 4, 1]]);
    expect(points[1].achievedGflops).toBeCloseTo((2 * flopsOf(1, 9)) / (6 * 1e6), 15);
    expect(points[1].intensity).toBeCloseTo(flopsOf(1, 9) / bytesOf(1, 9), 12);
  });
});
