import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countBytes } from '../../main/engine/roofline/memory-traffic.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { OnnxDataType } from '../../main/engine/roofline/onnx-model.ts';
import { tinyEncoderDir } from '../run/fixtures.ts';
import { attentionBlock, constant, floatInput, floats, model, node } from './graphs.ts';

describe('countBytes', () => {
  it('reads every weight once per graph run, whatever the batch, and leaves shape integers out', () => {
    // Initializers: embed [1, 8] and four [8, 8] projections, fp32; the Reshape targets are int64 shape values.
    for (const [batch, seq] of [[1, 4], [3, 17]]) {
      expect(countBytes(attentionBlock(), batch, seq)).toMatchObject({ weightBytes: (8 + 4 * 64) * 4, weights: 5, unsized: [] });
    }
  });

  it('counts activations as each op reading its inputs and writing its outputs, relabelling ops moving nothing (hand-computed)', () => {
    // x [b, s] → Unsqueeze [b, s, 1] → MatMul W[1, 4] → h [b, s, 4] → Relu → r → Reshape [b, s·4].
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [1, 4])],
      nodes: [
        constant('axis', [2]),
        node('Unsqueeze', ['x', 'axis'], ['x3']),
        node('MatMul', ['x3', 'W'], ['h']),
        node('Relu', ['h'], ['r']),
        constant('flat', [0, -1]),
        node('Reshape', ['r', 'flat'], ['y']),
      ],
    });
    const [b, s] = [2, 5];
    const rows = b * s;
    // MatMul reads x3 (4 bytes a row) and writes h (16); Relu reads h and writes r; Unsqueeze and Reshape relabel.
    expect(countBytes(graph, b, s)).toEqual({ batch: b, sequence: s, weightBytes: 16, ioBytes: 4 * rows + 16 * rows, memoryBytes: 16 + 20 * rows, activationBytes: (4 + 16 + 16 + 16) * rows, weights: 1, unsized: [] });
  });

  it('counts only the rows an embedding Gather takes, and a table gathered twice at most whole', () => {
    const graph = model({
      inputs: [{ name: 'ids', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
      outputs: [floatInput('y', null)],
      initializers: [floats('T', [10, 4])],
      nodes: [node('Gather', ['T', 'ids'], ['e']), node('Gather', ['T', 'ids'], ['f']), node('Add', ['e', 'f'], ['y'])],
    });
    // Each Gather takes b·s rows of 16 bytes: 2·b·s rows in all, at most the 160-byte table.
    expect(countBytes(graph, 1, 3).weightBytes).toBe(2 * 3 * 16);
    expect(countBytes(graph, 2, 4).weightBytes).toBe(160);
  });

  it('names what it cannot size, so the counts read as lower bounds', () => {
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      nodes: [node('MysteryOp', ['x'], ['m'], {}, 'com.example'), node('Relu', ['m'], ['y'])],
    });
    expect(countBytes(graph, 1, 2).unsized).toEqual(['m', 'y']);
  });

  it('counts the tiny test encoder: its weights once, plus three embedding rows (word, position, type) per token', async () => {
    const cost = await ModelCost.fromFile(path.join(tinyEncoderDir, 'model.onnx'));
    const base = cost.bytes(1, 1);
    expect(base).toMatchObject({ unsized: [] });
    for (const seq of [2, 9, 64]) expect(cost.bytes(1, seq).weightBytes - base.weightBytes).toBe((seq - 1) * 3 * 32 * 4);
    // Hidden 32: ids and mask (int64, 8 bytes a token each) in, the last hidden state (128 bytes a token) out.
    expect(cost.bytes(2, 9).ioBytes).toBe(2 * 9 * (8 + 8 + 128));
    // At 64 tokens the weights are still most of the traffic that must happen; intensity grows with tokens.
    const intensity = (seq: number) => cost.flops(1, seq).total / cost.bytes(1, seq).memoryBytes;
    expect(intensity(64)).toBeGreaterThan(intensity(8));
  });
});
