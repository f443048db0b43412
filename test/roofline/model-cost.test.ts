import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { encodeOnnxModel } from '../../main/engine/roofline/onnx-model.ts';
import { attentionBlock, attentionBlockFlops } from './graphs.ts';

describe('ModelCost', () => {
  it('counts FLOPs and bytes at each shape asked for, each shape once', () => {
    const cost = new ModelCost(attentionBlock());
    const flops = attentionBlockFlops(2, 5);
    // 1,056 bytes of weights, the [2, 5] fp32 input (40 bytes) and the [2, 5, 8] fp32 output (320).
    expect(cost.flops(2, 5)).toMatchObject({ batch: 2, sequence: 5, total: flops.weights + flops.attention });
    expect(cost.bytes(2, 5)).toMatchObject({ batch: 2, sequence: 5, memoryBytes: 1056 + 40 + 320 });
    // The same shape again is the same count, not a new walk; [5, 2] is another shape.
    expect(cost.flops(2, 5)).toBe(cost.flops(2, 5));
    expect(cost.bytes(2, 5)).toBe(cost.bytes(2, 5));
    expect(cost.bytes(5, 2)).not.toBe(cost.bytes(2, 5));
    expect(cost.bytes(5, 2)).toMatchObject({ batch: 5, sequence: 2 });
  });

  it('reads the model from an ONNX file', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-model-cost-')), 'block.onnx');
    writeFileSync(file, encodeOnnxModel(attentionBlock()));
    const flops = attentionBlockFlops(1, 7);
    expect((await ModelCost.fromFile(file)).flops(1, 7).total).toBe(flops.weights + flops.attention);
  });
});
