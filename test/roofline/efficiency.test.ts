import { describe, expect, it } from 'vitest';
import { EfficiencySchema, efficiencyOf, ridgeIntensity, RooflinePointSchema, RooflineSchema, rooflinePoints } from '../../main/engine/roofline/efficiency.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { OnnxDataType } from '../../main/engine/roofline/onnx-model.ts';
import { attentionBlock, attentionBlockFlops, bucketBag, constant, floatInput, floats, model, node } from './graphs.ts';
import { fakeBandwidth, fakePeak } from './fake-ceilings.ts';

const flopsOf = (batch: number, seq: number) => {
  const f = attentionBlockFlops(batch, seq);
  return f.weights + f.attention;
};
/** attentionBlock's compulsory bytes: its 1,056 bytes of weights, the [b, s] fp32 input and the [b, s, 8] fp32 output. */
const bytesOf = (batch: number, seq: number) => 1056 + batch * seq * 4 + batch * seq * 32;
const cost = () => new ModelCost(attentionBlock());
const ceilings = (peak: number | null, bandwidth: number | null) => ({ peak: fakePeak(peak), bandwidth: fakeBandwidth(bandwidth) });

/**
 * x [b, s] → [b, s, 1] · W [1, 4] in fp32 → cast to fp16 → · V [4, 8] in fp16. Per row (token): 8 FLOPs
 * in fp32 and 64 in fp16; compulsory bytes: W 16 + V 64 once, x 4 and the output 16 per row;
 * activations: the first MatMul reads 4 and writes 16, the Cast reads 16 and writes 8, the
 * second MatMul reads 8 and writes 16: 68 per row.
 */
function mixedPrecision() {
  return model({
    inputs: [floatInput('x', ['batch', 'sequence'])],
    outputs: [{ name: 'y', elemType: OnnxDataType.float16, dims: null }],
    initializers: [floats('W', [1, 4]), { name: 'V', dataType: OnnxDataType.float16, dims: [4, 8], data: new Uint8Array(64) }],
    nodes: [
      constant('axis', [2]),
      node('Unsqueeze', ['x', 'axis'], ['x3']),
      node('MatMul', ['x3', 'W'], ['h']),
      node('Cast', ['h'], ['h16'], { to: { int: OnnxDataType.float16 } }),
      node('MatMul', ['h16', 'V'], ['y']),
    ],
  });
}

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

  it('sums the activation traffic, and takes the peak of the precision most FLOPs are in (hand-computed)', () => {
    const records = [
      { batchSize: 1, sequenceLength: 3, encodeMs: 0.001 },
      { batchSize: 2, sequenceLength: 5, encodeMs: 0.002 },
    ];
    // 3 + 10 = 13 rows: 72 FLOPs, 68 activation bytes and 20 input and output bytes each; 80 bytes of weights per run.
    const e = efficiencyOf(1, records, new ModelCost(mixedPrecision()), { peak: fakePeak(100, { fp16: 400 }), bandwidth: null });
    expect(e).toMatchObject({ flops: 13 * 72, activationBytes: 13 * 68, bytes: 2 * 80 + 13 * 20, precision: 'fp16', peakGflops: 400 });
    expect(e.achievedGflops).toBeCloseTo((13 * 72) / (0.003 * 1e6), 12);
    expect(e.fractionOfPeak).toBeCloseTo((13 * 72) / (0.003 * 1e6) / 400, 12);
  });

  it('gives no rates, fractions or intensity for no runs, and calls what it measured fp32', () => {
    expect(efficiencyOf(1, [], cost(), ceilings(1, 1))).toEqual({
      batchSize: 1, runs: 0, flops: 0, encodeMs: 0, achievedGflops: null, precision: 'fp32', peakGflops: 1, fractionOfPeak: null,
      bytes: 0, activationBytes: 0, intensity: null, bandwidthGBs: 1, attainableGflops: null, bound: null, fractionOfAttainable: null,
    });
  });

  it('gives the attainable rate but no fraction of it for runs timed at zero', () => {
    const e = efficiencyOf(1, [{ batchSize: 1, sequenceLength: 4, encodeMs: 0 }], cost(), ceilings(1000, 1));
    expect(e.attainableGflops).toBeCloseTo(flopsOf(1, 4) / bytesOf(1, 4), 12);
    expect([e.achievedGflops, e.fractionOfPeak, e.fractionOfAttainable]).toEqual([null, null, null]);
  });

  it('calls a run at the ridge, and runs whose times at the two ceilings are equal, compute-bound', () => {
    // At a peak of its FLOPs per ns and a bandwidth of its bytes per ns, a run takes 1 ns either way.
    const ridge = efficiencyOf(1, [{ batchSize: 1, sequenceLength: 4, encodeMs: 1 }], cost(), ceilings(flopsOf(1, 4), bytesOf(1, 4)));
    expect([ridge.bound, ridge.attainableGflops]).toEqual(['compute', flopsOf(1, 4)]);
    // 32 runs at [1, 1] (1,092 bytes, 560 FLOPs) each take 1 ns at 1,092 GB/s, memory-bound; one at
    // [8, 64] (1,318,912 FLOPs, 19,488 bytes) takes 32 ns at 41,216 GFLOP/s, compute-bound: 32 ns each way.
    expect([bytesOf(1, 1), flopsOf(1, 1), flopsOf(8, 64), bytesOf(8, 64)]).toEqual([1092, 560, 1_318_912, 19_488]);
    const records = [...Array.from({ length: 32 }, () => ({ batchSize: 1, sequenceLength: 1, encodeMs: 1 })), { batchSize: 8, sequenceLength: 64, encodeMs: 1 }];
    const tied = efficiencyOf(1, records, cost(), ceilings(41_216, 1092));
    expect([tied.bound, tied.attainableGflops]).toEqual(['compute', (32 * 560 + 1_318_912) / 64]);
  });

  it('produces results the schemas keep whole, memory- or compute-bound', () => {
    const record = { batchSize: 1, sequenceLength: 4, encodeMs: 0.01 };
    for (const [peak, bandwidth, bound] of [[1000, 1, 'memory'], [0.2, 1000, 'compute']] as const) {
      const e = efficiencyOf(1, [record], cost(), ceilings(peak, bandwidth));
      expect(e.bound).toBe(bound);
      expect(EfficiencySchema.parse(e)).toEqual(e);
    }
    const points = rooflinePoints([record], cost(), ceilings(1, 1));
    expect(RooflinePointSchema.parse(points[0])).toEqual(points[0]);
    const c = cost();
    const roofline = {
      flops: c.flops(1, 4),
      bytes: c.bytes(1, 4),
      peak: fakePeak(1),
      peakFromCache: true,
      bandwidth: fakeBandwidth(1),
      bandwidthFromCache: false,
      efficiency: [efficiencyOf(1, [record], c, ceilings(1, 1))],
      points,
      notes: ['a note'],
    };
    expect(RooflineSchema.parse(roofline)).toEqual(roofline);
  });

  it('places a graph whose only arithmetic is a scatter-add under the bandwidth line: memory-bound', () => {
    // bucketBag at [1, 4]: 12 updates, one addition each; no MatMul.
    const bag = new ModelCost(bucketBag('add'));
    const record = { batchSize: 1, sequenceLength: 4, encodeMs: 0.01 };
    const intensity = 12 / bag.bytes(1, 4).memoryBytes;
    const e = efficiencyOf(1, [record], bag, ceilings(100, 10));
    expect(e).toMatchObject({ flops: 12, precision: 'fp32', peakGflops: 100, bandwidthGBs: 10, bound: 'memory' });
    expect(intensity).toBeGreaterThan(0);
    expect(e.intensity).toBeCloseTo(intensity, 12);
    expect(e.attainableGflops).toBeCloseTo(intensity * 10, 12);
    expect(e.fractionOfAttainable).toBeCloseTo(12 / (0.01 * 1e6) / (intensity * 10), 12);
    expect(rooflinePoints([record], bag, ceilings(100, 10))).toMatchObject([{ tokens: 4, flops: 12, bound: 'memory' }]);
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
