import { InferenceSession, Tensor } from 'onnxruntime-node';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { countFlops, FlopCountSchema } from '../../main/engine/roofline/flop-count.ts';
import { decodeOnnxModel, encodeOnnxModel, OnnxDataType, tensorValues } from '../../main/engine/roofline/onnx-model.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { inferShapes } from '../../main/engine/roofline/shape-inference.ts';
import { tinyEncoderDir } from '../run/fixtures.ts';
import { attentionBlock, attentionBlockFlops, floatInput, floats, model, node } from './graphs.ts';

describe('ONNX models through protobufjs', () => {
  it('decodes what it encodes: nodes, attributes, initializer data, symbolic dims', () => {
    const original = attentionBlock();
    const back = decodeOnnxModel(encodeOnnxModel(original));
    expect(back.opset).toBe(17);
    expect(back.nodes.map((n) => n.opType)).toEqual(original.nodes.map((n) => n.opType));
    expect(back.nodes.find((n) => n.outputs[0] === 'kT')?.attributes.perm).toEqual({ ints: [0, 1, 3, 2] });
    expect(back.inputs[0]).toEqual({ name: 'features', elemType: OnnxDataType.float, dims: ['batch', 'sequence'] });
    const wq = back.initializers.find((t) => t.name === 'Wq')!;
    expect(wq.dims).toEqual([8, 8]);
    expect(tensorValues(wq)!.slice(0, 4).map((v) => Math.round(v * 10))).toEqual([-3, -2, -1, 0]);
  });

  it('writes graphs ONNX Runtime runs, with the output shape the inference predicts', async () => {
    const graph = attentionBlock();
    const session = await InferenceSession.create(encodeOnnxModel(graph));
    try {
      const result = await session.run({ features: new Tensor('float32', new Float32Array(2 * 5).fill(0.5), [2, 5]) });
      const inferred = inferShapes(graph, { features: [2, 5] }).values;
      expect(result.out.dims).toEqual([2, 5, 8]);
      expect(inferred.get('out')?.dims).toEqual([2, 5, 8]);
      expect(inferred.get('scores')?.dims).toEqual([2, 2, 5, 5]);
    } finally {
      await session.release();
    }
  });

  it('names the file in the error for bytes that are not a model', () => {
    expect(() => decodeOnnxModel(new Uint8Array([0xff, 0xff, 0xff]), 'broken.onnx')).toThrow(/broken\.onnx/);
  });
});

describe('countFlops', () => {
  it('counts 2·K per output element of a MatMul with a weight, for the input shape given', () => {
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [5, 3])],
      nodes: [node('Unsqueeze', ['x'], ['x3'], { axes: { ints: [2] } }), node('Expand', ['x3', 'to'], ['x5']), node('MatMul', ['x5', 'W'], ['y'])],
      opset: 11,
    });
    graph.initializers.push({ name: 'to', dataType: OnnxDataType.int64, dims: [3], data: new Uint8Array(BigInt64Array.from([1n, 1n, 5n]).buffer) });
    // [2, 7, 5] × [5, 3]: 2·7·3 outputs, 5 multiply-adds each.
    expect(countFlops(graph, 2, 7)).toMatchObject({ total: 2 * 5 * 2 * 7 * 3, weights: 2 * 5 * 2 * 7 * 3, attention: 0, matmuls: 1, uncounted: [], byPrecision: { fp32: 420 } });
  });

  it('splits a torch-style attention block into weight GEMMs and the QKᵀ and AV products', () => {
    for (const [batch, seq] of [[1, 1], [1, 32], [3, 17]]) {
      const expected = attentionBlockFlops(batch, seq);
      const count = countFlops(attentionBlock(), batch, seq);
      expect(count).toMatchObject({ ...expected, total: expected.weights + expected.attention, matmuls: 7, uncounted: [], unknownOps: [] });
    }
  });

  it('applies Gemm transposes', () => {
    const graph = model({
      inputs: [floatInput('a', [3, 4])],
      outputs: [floatInput('y', [3, 5])],
      initializers: [floats('B', [5, 4]), floats('C', [5])],
      nodes: [node('Gemm', ['a', 'B', 'C'], ['y'], { transB: { int: 1 } })],
    });
    // Inputs of rank 2 take the [batch, sequence] asked for: here [3, 4].
    expect(countFlops(graph, 3, 4)).toMatchObject({ total: 2 * 4 * 3 * 5, weights: 120 });
  });

  it('lists a MatMul it cannot shape, and the op that hid the shape', () => {
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [4, 2])],
      nodes: [node('MysteryOp', ['x'], ['h'], {}, 'com.example'), node('MatMul', ['h', 'W'], ['y'])],
    });
    const count = countFlops(graph, 1, 4);
    expect(count).toMatchObject({ total: 0, matmuls: 0, uncounted: ['y'], unknownOps: ['com.example.MysteryOp'] });
  });

  it('falls back on value_info, resolving its symbolic dims from the inputs', () => {
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      valueInfo: [floatInput('h', ['batch', 'sequence', 4])],
      initializers: [floats('W', [4, 2])],
      nodes: [node('MysteryOp', ['x'], ['h'], {}, 'com.example'), node('MatMul', ['h', 'W'], ['y'])],
    });
    expect(countFlops(graph, 2, 3)).toMatchObject({ total: 2 * 4 * 2 * 3 * 2, uncounted: [] });
  });

  it('gives [batch, sequence] only to inputs of rank 2 or of unknown rank; others keep their declared dims', () => {
    const graph = model({
      inputs: [floatInput('x', [2, 3, 4]), floatInput('ids', null)],
      outputs: [floatInput('y', null), floatInput('z', null)],
      initializers: [floats('W', [4, 5]), floats('V', [9, 2])],
      nodes: [node('MatMul', ['x', 'W'], ['y']), node('MatMul', ['ids', 'V'], ['z'])],
    });
    // x stays [2, 3, 4]: 2·4 per output of [2, 3, 5]; ids becomes [7, 9]: 2·9 per output of [7, 2].
    expect(countFlops(graph, 7, 9)).toMatchObject({ total: 2 * 4 * 30 + 2 * 9 * 14, weights: 2 * 4 * 30 + 2 * 9 * 14, matmuls: 2, uncounted: [] });
  });

  it('treats an initializer that is also listed as a graph input as a weight of its own shape', () => {
    // Older exporters list every initializer among the inputs (it is then an overridable default).
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence']), floatInput('W', [3, 2])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [3, 2])],
      nodes: [node('MatMul', ['x', 'W'], ['y'])],
    });
    expect(countFlops(graph, 4, 3)).toMatchObject({ total: 2 * 3 * 4 * 2, weights: 2 * 3 * 4 * 2, attention: 0, uncounted: [] });
  });

  it('labels FLOPs by the precision of the first operand: fp16, fp64, int8 (signed or not), else the type number', () => {
    const typed = (elemType: number) =>
      model({
        inputs: [{ name: 'x', elemType, dims: ['batch', 'sequence'] }],
        outputs: [floatInput('y', null)],
        initializers: [{ name: 'W', dataType: elemType, dims: [3, 2] }],
        nodes: [node('MatMul', ['x', 'W'], ['y'])],
      });
    const flops = 2 * 3 * 1 * 2;
    expect(countFlops(typed(OnnxDataType.float16), 1, 3).byPrecision).toEqual({ fp16: flops });
    expect(countFlops(typed(OnnxDataType.double), 1, 3).byPrecision).toEqual({ fp64: flops });
    expect(countFlops(typed(OnnxDataType.int8), 1, 3).byPrecision).toEqual({ int8: flops });
    expect(countFlops(typed(OnnxDataType.uint8), 1, 3).byPrecision).toEqual({ int8: flops });
    expect(countFlops(typed(OnnxDataType.int32), 1, 3).byPrecision).toEqual({ type6: flops });
  });

  it('labels FLOPs "type?" where no element type is known', () => {
    // The op is unknown and value_info gives h's shape without a type.
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      valueInfo: [{ name: 'h', elemType: null, dims: ['batch', 'sequence', 4] }],
      initializers: [floats('W', [4, 2])],
      nodes: [node('MysteryOp', ['x'], ['h'], {}, 'com.example'), node('MatMul', ['h', 'W'], ['y'])],
    });
    expect(countFlops(graph, 1, 3).byPrecision).toEqual({ 'type?': 2 * 4 * 3 * 2 });
  });

  it('is described by its schema', () => {
    const count = countFlops(attentionBlock(), 2, 5);
    expect(FlopCountSchema.parse(JSON.parse(JSON.stringify(count)))).toEqual(count);
    expect(FlopCountSchema.safeParse({ ...count, byPrecision: undefined }).success).toBe(false);
  });

  it('sums FLOPs of several precisions separately', () => {
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence']), { name: 'h', elemType: OnnxDataType.float16, dims: ['batch', 'sequence'] }],
      outputs: [floatInput('y', null), floatInput('z', null)],
      initializers: [floats('W', [3, 2]), { name: 'V', dataType: OnnxDataType.float16, dims: [3, 4] }],
      nodes: [node('MatMul', ['x', 'W'], ['y']), node('MatMul', ['h', 'V'], ['z'])],
    });
    expect(countFlops(graph, 2, 3)).toMatchObject({ byPrecision: { fp32: 2 * 3 * 2 * 2, fp16: 2 * 3 * 2 * 4 }, total: 24 + 48, matmuls: 2 });
  });

  it('reads QLinearMatMul\'s second operand from its fourth input: two activations are attention', () => {
    // (a, a_scale, a_zero_point, b, b_scale, b_zero_point, y_scale, y_zero_point); the scales are constants.
    const u8 = (name: string) => ({ name, elemType: OnnxDataType.uint8, dims: ['batch', 'sequence'] as string[] });
    const scalar = (name: string, dataType: number) => ({ name, dataType, dims: [] });
    const graph = model({
      inputs: [u8('a'), u8('b')],
      outputs: [floatInput('y', null)],
      initializers: [scalar('s', OnnxDataType.float), scalar('z', OnnxDataType.uint8)],
      nodes: [node('Transpose', ['b'], ['bT'], { perm: { ints: [1, 0] } }), node('QLinearMatMul', ['a', 's', 'z', 'bT', 's', 'z', 's', 'z'], ['y'])],
    });
    // [3, 5] × [5, 3]: 9 outputs of 5 multiply-adds, both operands activations.
    expect(countFlops(graph, 3, 5)).toMatchObject({ attention: 2 * 5 * 9, weights: 0, byPrecision: { int8: 90 }, uncounted: [] });
  });

  it('names an unnamed MatMul it cannot shape by its op and output', () => {
    const graph = model({
      inputs: [floatInput('x', ['batch', 'sequence'])],
      outputs: [floatInput('y', null)],
      initializers: [floats('W', [5, 2])],
      nodes: [{ ...node('MatMul', ['x', 'W'], ['y']), name: '' }],
    });
    // [1, 4] × [5, 2]: the inner dimensions disagree.
    expect(countFlops(graph, 1, 4)).toMatchObject({ total: 0, uncounted: ['MatMul → y'] });
  });

  it('counts the tiny test encoder as its configuration predicts (hidden 32, FFN 64, 2 layers)', async () => {
    const cost = await ModelCost.fromFile(path.join(tinyEncoderDir, 'model.onnx'));
    for (const seq of [1, 9, 64]) {
      const perLayerWeights = seq * (4 * 2 * 32 * 32 + 2 * 2 * 32 * 64);
      const perLayerAttention = 2 * (2 * seq * seq * 32);
      expect(cost.flops(1, seq)).toMatchObject({ weights: 2 * perLayerWeights, attention: 2 * perLayerAttention, matmuls: 16, uncounted: [], unknownOps: [] });
    }
    expect(cost.flops(4, 9).total).toBe(4 * cost.flops(1, 9).total);
    // Memoised per shape: the same count object again, a new one for a new shape.
    expect(cost.flops(1, 9)).toBe(cost.flops(1, 9));
    expect(cost.flops(2, 9)).not.toBe(cost.flops(1, 9));
    expect(cost.flops(2, 9)).toMatchObject({ batch: 2, sequence: 9 });
  });
});
