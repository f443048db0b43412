import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ByteCountSchema, countBytes } from '../../main/engine/roofline/memory-traffic.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { OnnxDataType, type OnnxNode } from '../../main/engine/roofline/onnx-model.ts';
import type { InferredValue, ShapeInference } from '../../main/engine/roofline/shape-inference.ts';
import { tinyEncoderDir } from '../run/fixtures.ts';
import { attentionBlock, BAG_BUCKETS, bucketBag, constant, floatInput, floats, model, node } from './graphs.ts';

/** Shapes given by hand, for the cases shape inference leaves open (unknown sizes, values it never saw). */
function shapes(values: Record<string, Partial<InferredValue>>): ShapeInference {
  const full = (v: Partial<InferredValue>): InferredValue => ({ dims: null, elemType: OnnxDataType.float, constant: false, ...v });
  return { values: new Map(Object.entries(values).map(([name, v]) => [name, full(v)])), unknownOps: [] };
}

/** A graph of `nodes` from float input x to output y, for counting against hand-given shapes. */
const graphOf = (nodes: OnnxNode[], initializers: string[] = []) =>
  model({ inputs: [floatInput('x', null)], outputs: [floatInput('y', null)], nodes, initializers: initializers.map((name) => floats(name, [1])) });

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

  it('moves nothing for ops that relabel a buffer or read only its shape', () => {
    // x [2, 3] fp32 (24 bytes) relabelled five times, its shape and size read, then one Relu: it alone reads and writes 24 bytes.
    const six = { dims: [6] };
    const graph = graphOf([
      node('Flatten', ['x'], ['a']),
      node('Identity', ['a'], ['b']),
      node('Dropout', ['b'], ['c']),
      node('Squeeze', ['c'], ['d']),
      node('Reshape', ['d'], ['e']),
      node('Shape', ['e'], ['shape']),
      node('Size', ['e'], ['size']),
      node('Relu', ['e'], ['y']),
    ]);
    const int64 = { elemType: OnnxDataType.int64, values: [6] };
    const given = shapes({ x: { dims: [2, 3] }, a: six, b: six, c: six, d: six, e: six, shape: { ...int64, dims: [1] }, size: { ...int64, dims: [] }, y: six });
    expect(countBytes(graph, 2, 3, given)).toMatchObject({ activationBytes: 24 + 24, ioBytes: 24 + 24, unsized: [] });
  });

  it('costs nothing for what is folded at load, and skips omitted optional inputs and outputs (hand-computed)', () => {
    // W [4, 3] transposed and clipped at load: the run reads the folded [3, 4] (48 bytes), not W.
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [4, 3]), floats('cmax', []), floats('gamma', [4])],
      nodes: [
        node('Transpose', ['W'], ['Wt']),
        node('Clip', ['Wt', '', 'cmax'], ['Wc']),
        node('MatMul', ['x', 'Wc'], ['h']),
        node('Clip', ['h', '', 'cmax'], ['c']),
        node('LayerNormalization', ['c', 'gamma'], ['y', '']),
      ],
    });
    // x [2, 3] is 24 bytes; h, c and y [2, 4] 32 each. Run-time weights: Wc 48, cmax 4, gamma 16.
    expect(countBytes(graph, 2, 3)).toEqual({ batch: 2, sequence: 3, weightBytes: 68, ioBytes: 24 + 32, memoryBytes: 68 + 56, activationBytes: 24 + 32 + 32 + 32 + 32 + 32, weights: 3, unsized: [] });
  });

  it('reads a weight whole when an op other than Gather takes it first', () => {
    // W [6, 4] · x [4, 1]: all 96 bytes of W (read as Gather's table with x as indices, it would be 4 rows, 64 bytes).
    const graph = model({ inputs: [floatInput('x', ['batch', 'sequence'])], outputs: [floatInput('y', null)], initializers: [floats('W', [6, 4])], nodes: [node('MatMul', ['W', 'x'], ['y'])] });
    expect(countBytes(graph, 4, 1)).toMatchObject({ weightBytes: 96, ioBytes: 16 + 24 });
  });

  it('counts only gathered rows along axis 0, and a table gathered along another axis whole', () => {
    const graph = model({
      inputs: [{ name: 'ids', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
      outputs: [floatInput('y', null), floatInput('z', null)],
      initializers: [floats('T', [10, 4]), floats('U', [4, 10])],
      nodes: [node('Gather', ['T', 'ids'], ['y'], { axis: { int: 0 } }), node('Gather', ['U', 'ids'], ['z'], { axis: { int: 1 } })],
    });
    // [1, 2] ids: two 16-byte rows of T; all 160 bytes of U.
    expect(countBytes(graph, 1, 2).weightBytes).toBe(2 * 16 + 160);
  });

  it('reads a gathered table whole when the indices have no known shape, and counts none of one it cannot size', () => {
    const gather = graphOf([node('Gather', ['T', 'x'], ['y'])]);
    const table = { dims: [10, 4], constant: true };
    // Indices of unknown shape: all 160 bytes.
    expect(countBytes(gather, 1, 2, shapes({ T: table, x: { elemType: OnnxDataType.int64 }, y: { dims: [2, 4] } })).weightBytes).toBe(160);
    // A table of unknown shape or of an element type without a known size (bfloat16): unsized.
    const ids = { dims: [1, 2], elemType: OnnxDataType.int64 };
    for (const T of [{ constant: true }, { ...table, elemType: 16 }]) {
      expect(countBytes(gather, 1, 2, shapes({ T, x: ids, y: { dims: [1, 2, 4] } }))).toMatchObject({ weightBytes: 0, weights: 1, unsized: ['T'] });
    }
  });

  it('names every value it cannot size: unknown shape, unknown or unsized element type, or no value at all', () => {
    const graph = graphOf([node('Relu', ['x'], ['a']), node('Relu', ['a'], ['b']), node('Relu', ['b'], ['y'])]);
    // x: no element type; a: no shape; b: bfloat16, whose size is not known; y: not in the shapes.
    const given = shapes({ x: { dims: [2, 2], elemType: null }, a: {}, b: { dims: [2], elemType: 16 } });
    expect(countBytes(graph, 1, 2, given)).toMatchObject({ ioBytes: 0, activationBytes: 0, unsized: ['x', 'a', 'b', 'y'] });
  });

  it('does not count an initializer that old exporters also list as a graph input as input traffic', () => {
    // IR < 4 lists initializers among the inputs. x [3, 4] in (48 bytes), y [3, 2] out (24); W [4, 2] is a weight.
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence']), floatInput('W', [4, 2])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [4, 2])],
      nodes: [node('MatMul', ['x', 'W'], ['y'])],
    });
    expect(countBytes(graph, 3, 4)).toMatchObject({ weightBytes: 32, ioBytes: 48 + 24 });
  });

  it('sizes what a scatter writes: the shape of its data', () => {
    // ids [2, 3] int64 in (48 bytes), y [2, 5] fp32 out (40).
    expect(countBytes(bucketBag('add'), 2, 3)).toMatchObject({ ioBytes: 2 * 3 * 8 + 2 * BAG_BUCKETS * 4, unsized: [] });
  });

  it('sizes int16 and uint16 values at 2 bytes an element, and leaves a small int16 constant out as shape integers', () => {
    const graph = model({
      inputs: [{ name: 'ids', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
      outputs: [floatInput('y', null)],
      initializers: [
        { name: 'S', dataType: OnnxDataType.int16, dims: [5000, 6] },
        { name: 'U', dataType: OnnxDataType.uint16, dims: [5000, 2] },
        { name: 'offset', dataType: OnnxDataType.int16, dims: [1], data: new Uint8Array(Int16Array.from([3]).buffer) },
      ],
      nodes: [
        node('Gather', ['S', 'ids'], ['s']),
        node('Gather', ['U', 'ids'], ['u']),
        node('Add', ['s', 'offset'], ['t']),
        node('Cast', ['t'], ['a'], { to: { int: OnnxDataType.float } }),
        node('Cast', ['u'], ['c'], { to: { int: OnnxDataType.float } }),
        node('Concat', ['a', 'c'], ['y'], { axis: { int: 2 } }),
      ],
    });
    // [2, 3] ids: 6 rows of S (12 bytes each) and of U (4 bytes each). Activations: the Gathers write s (72 bytes)
    // and u (24), Add reads s and writes t (72 each), the Casts read t and u and write a (144) and c (48), Concat reads
    // a and c and writes y (192).
    expect(countBytes(graph, 2, 3)).toEqual({
      batch: 2, sequence: 3, weightBytes: 6 * 12 + 6 * 4, ioBytes: 48 + 192, memoryBytes: 96 + 240,
      activationBytes: 48 + 72 + 48 + 24 + 72 + 72 + 72 + 144 + 24 + 48 + 144 + 48 + 192, weights: 2, unsized: [],
    });
  });

  it('produces counts the result schema keeps whole', () => {
    const count = countBytes(attentionBlock(), 2, 5);
    expect(ByteCountSchema.parse(count)).toEqual(count);
  });
});
