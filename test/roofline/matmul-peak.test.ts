import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { captureMachineProfile } from '../../main/engine/machine/machine-profile.ts';
import { countFlops } from '../../main/engine/roofline/flop-count.ts';
import { matMulGraph, measurePrecisionPeak, weightStreamGraph, type PeakMeasurement } from '../../main/engine/roofline/matmul-peak.ts';
import { decodeOnnxModel } from '../../main/engine/roofline/onnx-model.ts';
import { cachedPeak, peakKey } from '../../main/engine/roofline/peak-cache.ts';

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
    const peak = await measurePrecisionPeak('fp32', { provider: 'cpu', intraOpThreads: 1, sizes: [...tiny, { m: 8, k: 8, n: 8 }], minRuns: 3, minMsPerSize: 0, warmupRuns: 1 });
    expect(peak.supported).toBe(true);
    if (!peak.supported) return;
    expect(peak.sizes.map((s) => [s.m, s.k, s.n, s.runs >= 3])).toEqual([[4, 8, 16, true], [8, 8, 8, true]]);
    for (const s of peak.sizes) expect(s.gflops).toBeCloseTo((2 * s.m * s.k * s.n) / (s.medianMs * 1e6), 6);
    expect(peak.gflops).toBe(Math.max(...peak.sizes.map((s) => s.gflops)));
  });

  it('says why, instead of throwing, when the provider cannot run the graph', async () => {
    const peak = await measurePrecisionPeak('fp32', { provider: 'cuda', sizes: tiny, minRuns: 1, minMsPerSize: 0 });
    // No GPU in CI: CUDA is refused with the reason; on a GPU machine it runs.
    if (!peak.supported) expect(peak.reason).toMatch(/CUDA|cuda/);
    else expect(peak.gflops).toBeGreaterThan(0);
  });
});

describe('cachedPeak', () => {
  const fakePeak = (gflops: number): PeakMeasurement => ({
    provider: 'cpu',
    intraOpThreads: 2,
    measuredAt: '2026-01-01T00:00:00.000Z',
    durationMs: 1,
    fp32: { supported: true, gflops, best: tiny[0], sizes: [{ ...tiny[0], runs: 1, medianMs: 1, minMs: 1, gflops }] },
    fp16: { supported: false, reason: 'no fp16 kernel' },
  });

  it('measures once per machine, provider and thread count, then reads the file', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-peak-')), 'peaks.json');
    const machine = await captureMachineProfile();
    let calls = 0;
    const measure = async () => fakePeak(100 + ++calls);
    const first = await cachedPeak({ machine, provider: 'cpu', intraOpThreads: 2, file, measure });
    const second = await cachedPeak({ machine, provider: 'cpu', intraOpThreads: 2, file, measure });
    const otherThreads = await cachedPeak({ machine, provider: 'cpu', intraOpThreads: 1, file, measure });
    expect([first.fromCache, second.fromCache, otherThreads.fromCache]).toEqual([false, true, false]);
    expect(second.peak).toEqual(first.peak);
    expect(calls).toBe(2);
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.entries.map((e: { key: string }) => e.key)).toEqual([peakKey(machine, 'cpu', 2), peakKey(machine, 'cpu', 1)]);
    const again = await cachedPeak({ machine, provider: 'cpu', intraOpThreads: 2, file, measure, remeasure: true });
    expect([again.fromCache, calls]).toEqual([false, 3]);
  });

  it('replaces a file it cannot read, and says so', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-peak-')), 'peaks.json');
    writeFileSync(file, '{"version": 99}');
    const result = await cachedPeak({ machine: await captureMachineProfile(), provider: 'cpu', file, measure: async () => fakePeak(7) });
    expect(result.note).toMatch(/peaks\.json is not a peak cache/);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('keys by hardware and runtime, not by hostname', async () => {
    const machine = await captureMachineProfile();
    expect(peakKey({ ...machine, hostname: 'elsewhere' }, 'cpu', 2)).toBe(peakKey(machine, 'cpu', 2));
    expect(peakKey({ ...machine, cpu: { ...machine.cpu, model: 'Other CPU' } }, 'cpu', 2)).not.toBe(peakKey(machine, 'cpu', 2));
  });
});

describe('cachedPeak with remeasure', () => {
  it('keeps the better rate per precision: other load only ever slows a measurement down', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-peak-')), 'peaks.json');
    const machine = await captureMachineProfile();
    const measurement = (fp32: number, fp16: number | null): PeakMeasurement => ({
      provider: 'cpu', intraOpThreads: null, measuredAt: new Date().toISOString(), durationMs: 1,
      fp32: { supported: true, gflops: fp32, best: tiny[0], sizes: [] },
      fp16: fp16 === null ? { supported: false, reason: 'none' } : { supported: true, gflops: fp16, best: tiny[0], sizes: [] },
    });
    await cachedPeak({ machine, provider: 'cpu', file, measure: async () => measurement(100, null) });
    const again = await cachedPeak({ machine, provider: 'cpu', file, remeasure: true, measure: async () => measurement(80, 50) });
    expect([again.peak.fp32, again.peak.fp16].map((p) => (p.supported ? p.gflops : null))).toEqual([100, 50]);
    const read = await cachedPeak({ machine, provider: 'cpu', file, measure: async () => measurement(1, 1) });
    expect([read.fromCache, read.peak.fp32.supported && read.peak.fp32.gflops]).toEqual([true, 100]);
  });
});
