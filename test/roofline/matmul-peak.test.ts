import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { countFlops } from '../../main/engine/roofline/flop-count.ts';
import { matMulGraph, measurePeak, measurePrecisionPeak, weightStreamGraph } from '../../main/engine/roofline/matmul-peak.ts';
import { decodeOnnxModel } from '../../main/engine/roofline/onnx-model.ts';

const tiny = [{ m: 4, k: 8, n: 16 }];

describe('matMulGraph', () => {
  it('computes A·B with its constant B, in fp32 and through fp16', async () => {
    for (const precision of ['fp32', 'fp16'] as const) {
      const session = await InferenceSession.create(matMulGraph({ m: 2, k: 3, n: 2 }, precision));
      try {
        const a = new Float32Array([1, 0, 0, 0, 1, 1]);
        const { Y } = await session.run({ A: new Tensor('float32', a, [2, 3]) });
        // B[k][n] = ((i·7919) mod 1000)/1000 − 0.5 in fp32 (i = k·2 + n), ±0.5 alternating in fp16.
        const b = precision === 'fp32' ? [0, 1, 2, 3, 4, 5].map((i) => ((i * 7919) % 1000) / 1000 - 0.5) : [0.5, -0.5, 0.5, -0.5, 0.5, -0.5];
        const expected = [b[0], b[1], b[2] + b[4], b[3] + b[5]];
        expect(Y.dims).toEqual([2, 2]);
        [...(Y.data as Float32Array)].forEach((y, i) => expect(y).toBeCloseTo(expected[i], 2));
      } finally {
        await session.release();
      }
    }
  });
});

describe('weightStreamGraph', () => {
  it('chains distinct up and down projections that ORT runs and the FLOP count agrees with', async () => {
    const bytes = weightStreamGraph(3, 2, 4, 8);
    // 2 layers × (up [3,4]·[4,8] + down [3,8]·[8,4]) = 2 × (2·4·24 + 2·8·12) = 768 FLOPs.
    expect(countFlops(decodeOnnxModel(bytes), 3, 4)).toMatchObject({ total: 768, weights: 768, matmuls: 4 });
    const session = await InferenceSession.create(bytes);
    try {
      const { Y } = await session.run({ A: new Tensor('float32', new Float32Array(12).fill(1), [3, 4]) });
      expect(Y.dims).toEqual([3, 4]);
    } finally {
      await session.release();
    }
  });
});

describe('measurePrecisionPeak', () => {
  it('reports a rate per size and the best of them', async () => {
    const peak = await measurePrecisionPeak('fp32', { provider: 'cpu', intraOpThreads: 1, sizes: [...tiny, { m: 8, k: 8, n: 8 }], minRuns: 3, minDurationMs: 0, warmupRuns: 1 });
    expect(peak.supported).toBe(true);
    if (!peak.supported) return;
    expect(peak.sizes.map((s) => [s.m, s.k, s.n, s.runs >= 3])).toEqual([[4, 8, 16, true], [8, 8, 8, true]]);
    for (const s of peak.sizes) expect(s.gflops).toBeCloseTo((2 * s.m * s.k * s.n) / (s.medianMs * 1e6), 6);
    expect(peak.gflops).toBe(Math.max(...peak.sizes.map((s) => s.gflops)));
  });

  it('says why, instead of throwing, when the provider cannot run the graph', async () => {
    const peak = await measurePrecisionPeak('fp32', { provider: 'cuda', sizes: tiny, minRuns: 1, minDurationMs: 0 });
    // No GPU in CI: CUDA is refused with the reason; on a GPU machine it runs.
    if (!peak.supported) expect(peak.reason).toMatch(/CUDA|cuda/);
    else expect(peak.gflops).toBeGreaterThan(0);
  });
});

describe('measurePeak', () => {
  it('measures both precisions and records how busy the machine was', async () => {
    const peak = await measurePeak({ provider: 'cpu', intraOpThreads: 1, sizes: tiny, minRuns: 2, minDurationMs: 0, warmupRuns: 0 });
    expect(peak).toMatchObject({ provider: 'cpu', intraOpThreads: 1, fp32: { supported: true } });
    if (process.platform !== 'win32') expect(peak.load).toEqual({ before: expect.any(Number), after: expect.any(Number) });
  });

  it('stops at once when cancelled, saying so rather than failing', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await measurePrecisionPeak('fp32', { provider: 'cpu', sizes: tiny, signal: controller.signal })).toEqual({ supported: false, reason: 'cancelled before any size was measured' });
  });
});
