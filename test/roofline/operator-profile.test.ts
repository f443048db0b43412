import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../main/engine/models/load-model.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { operatorCategory, summarizeProfile } from '../../main/engine/roofline/operator-profile.ts';
import { profileOperators } from '../../main/engine/roofline/profile-operators.ts';
import { syntheticBatch } from '../../main/engine/sweep/synthetic-batch.ts';
import { TINY_ENCODER } from '../models/tiny-encoder-copy.ts';
import path from 'node:path';

/** A kernel event as ONNX Runtime's profiler writes it. */
const kernel = (ts: number, dur: number, op: string, args: Record<string, unknown> = {}) => ({ cat: 'Node', name: `${op}_${ts}_kernel_time`, ts, dur, ph: 'X', args: { op_name: op, provider: 'CPUExecutionProvider', ...args } });
const run = (ts: number, dur: number) => ({ cat: 'Session', name: 'model_run', ts, dur, ph: 'X', args: {} });

describe('operatorCategory', () => {
  it('tells weight GEMMs (packed weight not listed, or parameter bytes) from attention products', () => {
    expect(operatorCategory('MatMul', { input_type_shape: [{ float: [1, 32, 768] }], parameter_size: '0' })).toBe('matmul');
    expect(operatorCategory('MatMul', { input_type_shape: [{ float: [1, 32, 768] }, { float: [768, 768] }], parameter_size: '2359296' })).toBe('matmul');
    expect(operatorCategory('FusedMatMul', { input_type_shape: [{ float: [1, 12, 32, 64] }, { float: [1, 12, 64, 32] }], parameter_size: '0' })).toBe('attention');
    expect(['Softmax', 'LayerNormalization', 'BiasGelu', 'Add', 'Transpose', 'Gather', 'TopK'].map((op) => operatorCategory(op))).toEqual(['attention', 'layerNorm', 'gelu', 'elementwise', 'copies', 'copies', 'other']);
  });

  it('puts the dictionary bridge\'s integer hashing in elementwise and its gathers and scatters in copies (data movement)', () => {
    // Every kernel op of the bridge's graph (Constants are folded away before any kernel runs).
    const bridge = { Mod: 'elementwise', Mul: 'elementwise', Add: 'elementwise', Abs: 'elementwise', Clip: 'elementwise', Where: 'elementwise', Less: 'elementwise', Greater: 'elementwise', Equal: 'elementwise', Cast: 'elementwise' };
    const movement = { Gather: 'copies', GatherND: 'copies', ScatterElements: 'copies', ScatterND: 'copies', Concat: 'copies', Expand: 'copies', ConstantOfShape: 'copies', Slice: 'copies', Unsqueeze: 'copies', Shape: 'copies', Reshape: 'copies' };
    const expected: Record<string, string> = { ...bridge, ...movement };
    expect(Object.fromEntries(Object.keys(expected).map((op) => [op, operatorCategory(op)]))).toEqual(expected);
    expect(['Floor', 'BitwiseAnd', 'GreaterOrEqual'].map((op) => operatorCategory(op))).toEqual(['elementwise', 'elementwise', 'elementwise']);
  });
});

describe('summarizeProfile', () => {
  // Two warm-up runs (left out), then two runs of 100 µs: MatMul 50 + 30, attention 10, LayerNorm 5, Reshape 1.
  const trace = [
    { cat: 'Session', name: 'model_loading_uri', ts: 0, dur: 50 },
    run(100, 900),
    kernel(110, 800, 'MatMul', { input_type_shape: [{ float: [1, 4] }] }),
    run(1000, 300),
    ...[2000, 3000].flatMap((t) => [
      run(t, 100),
      kernel(t + 1, 50, 'MatMul', { input_type_shape: [{ float: [1, 4] }] }),
      kernel(t + 52, 10, 'MatMul', { input_type_shape: [{ float: [1, 4] }, { float: [4, 1] }] }),
      kernel(t + 63, 30, 'MatMul', { input_type_shape: [{ float: [1, 4] }] }),
      kernel(t + 94, 5, 'LayerNormalization'),
      kernel(t + 99, 1, 'Reshape'),
    ]),
  ];

  it('sums kernel times per category over the runs after the warm-up, with the time between kernels', () => {
    const p = summarizeProfile(trace, { batchSize: 1, skipRuns: 2, weightFlopsPerRun: 8e6 });
    expect(p).toMatchObject({ batchSize: 1, runs: 2, runMs: 0.1, providers: ['CPUExecutionProvider'] });
    const share = Object.fromEntries(p.categories.map((c) => [c.category, c.share]));
    expect(share).toMatchObject({ matmul: 0.8, attention: 0.1, layerNorm: 0.05, copies: 0.01, gelu: 0, elementwise: 0, other: 0 });
    expect(p.betweenKernels.ms).toBeCloseTo(0.004, 12);
    expect(p.betweenKernels.share).toBeCloseTo(0.04, 12);
    expect(p.ops.map((o) => [o.opType, o.category, o.calls])).toEqual([['MatMul', 'matmul', 2], ['MatMul', 'attention', 1], ['LayerNormalization', 'layerNorm', 1], ['Reshape', 'copies', 1]]);
    // 8 MFLOP per run over 80 µs of weight MatMuls: 100 GFLOP/s.
    expect(p.matmulGflops).toBeCloseTo(100, 9);
  });

  it('refuses a trace with no run after the warm-up, or that is no trace', () => {
    expect(() => summarizeProfile(trace, { batchSize: 1, skipRuns: 4 })).toThrow(/no graph run after the 4 warm-up/);
    expect(() => summarizeProfile({ not: 'a trace' }, { batchSize: 1, skipRuns: 0 })).toThrow(/not a JSON array/);
  });
});

describe('profileOperators', () => {
  it("profiles a separate session with ONNX Runtime's profiler, and leaves no trace file behind", async () => {
    const encoder = await loadModel(TINY_ENCODER);
    const batches = [syntheticBatch(encoder, 1, 9), syntheticBatch(encoder, 1, 9)];
    await encoder.dispose();
    const cost = await ModelCost.fromFile(path.join(TINY_ENCODER, 'model.onnx'));
    const tmpDir = mkdtempSync(path.join(os.tmpdir(), 'xlir-profile-test-'));
    const p = await profileOperators(TINY_ENCODER, { load: { intraOpThreads: 1 }, batches, warmupRuns: 1, cost, tmpDir });
    expect(p).toMatchObject({ batchSize: 1, runs: 2, providers: ['CPUExecutionProvider'] });
    expect(p.runMs).toBeGreaterThan(0);
    const total = p.categories.reduce((sum, c) => sum + c.share, 0) + p.betweenKernels.share;
    expect(total).toBeCloseTo(1, 6);
    // The tiny encoder's two layers: 12 weight MatMuls (2 × (Q, K, V, O, up, down)) and 4 attention products per run.
    expect(p.ops.filter((o) => o.category === 'matmul').reduce((sum, o) => sum + o.calls, 0)).toBe(12);
    expect(p.ops.filter((o) => o.category === 'attention' && o.opType !== 'Softmax').reduce((sum, o) => sum + o.calls, 0)).toBe(4);
    expect(p.matmulGflops).toBeGreaterThan(0);
    expect(readdirSync(tmpDir)).toEqual([]);
  });
});
