import { InferenceSession, Tensor } from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { countFlops, FlopCountSchema } from '../../main/engine/roofline/flop-count.ts';
import { decodeOnnxModel, encodeOnnxModel, OnnxDataType, tensorValues } from '../../main/engine/roofline/onnx-model.ts';
import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { inferShapes } from '../../main/engine/roofline/shape-inference.ts';
import { tinyEncoderDir } from '../run/fixtures.ts';
import { attentionBlock, attentionBlockFlops, BAG_BUCKETS, bucketBag, constant, floatInput, floats, model, node } from './graphs.ts';

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

  it('reads int16 and uint16 tensors, from raw bytes or from int32_data, one element in 2 bytes', () => {
    const proto = protobuf.parse(readFileSync(new URL('../../main/engine/roofline/onnx-subset.proto', import.meta.url), 'utf8'), { keepCase: true }).root.lookupType('onnx.ModelProto');
    const typed = decodeOnnxModel(
      proto.encode(proto.fromObject({ graph: { initializer: [{ name: 's', data_type: OnnxDataType.int16, dims: [3], int32_data: [-2, 0, 300] }, { name: 'u', data_type: OnnxDataType.uint16, dims: [2], int32_data: [65535, 7] }] } })).finish(),
    );
    expect(typed.initializers.map((t) => [t.data?.length, tensorValues(t)])).toEqual([[6, [-2, 0, 300]], [4, [65535, 7]]]);
    const raw = { name: 'r', dataType: OnnxDataType.int16, dims: [2], data: new Uint8Array(Int16Array.from([-32768, 513]).buffer) };
    expect(tensorValues(raw)).toEqual([-32768, 513]);
    expect(tensorValues({ ...raw, dataType: OnnxDataType.uint16 })).toEqual([32768, 513]);
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

describe('countFlops: scatters with a reduction', () => {
  const SHAPES = [[1, 1], [2, 7], [3, 4]] as const;
  const REDUCTIONS = ['add', 'mul', 'max', 'min'];
  /** A count with no FLOPs at all, for [batch, sequence]. */
  const nothing = (batch: number, sequence: number) => ({ batch, sequence, total: 0, weights: 0, attention: 0, scatter: 0, byPrecision: {}, matmuls: 0, uncounted: [], unknownOps: [] });

  it('builds bag-of-buckets graphs ONNX Runtime runs with every reduction, with the shapes the inference predicts', async () => {
    const ids = [1, 4, 9, 0, 4, 2];
    for (const reduction of [null, 'none', ...REDUCTIONS]) {
      const graph = bucketBag(reduction);
      const session = await InferenceSession.create(encodeOnnxModel(graph));
      try {
        const result = await session.run({ ids: new Tensor('int64', BigInt64Array.from(ids, BigInt), [2, 3]) });
        expect(result.y.dims).toEqual([2, BAG_BUCKETS]);
        if (reduction === 'add') {
          // Each row sums its 3 tokens' 3 weights: one addition per update.
          const weights = tensorValues(graph.initializers[0])!;
          const row = (r: number) => ids.slice(3 * r, 3 * r + 3).flatMap((id) => weights.slice(3 * id, 3 * id + 3)).reduce((a, b) => a + b, 0);
          const y = [...(result.y.data as Float32Array)];
          expect(y.slice(0, BAG_BUCKETS).reduce((a, b) => a + b, 0)).toBeCloseTo(row(0), 5);
          expect(y.slice(BAG_BUCKETS).reduce((a, b) => a + b, 0)).toBeCloseTo(row(1), 5);
        }
      } finally {
        await session.release();
      }
      const inferred = inferShapes(graph, { ids: [2, 3] }).values;
      expect(inferred.get('updates')).toMatchObject({ dims: [2, 9], elemType: OnnxDataType.float });
      expect(inferred.get('zeros')).toMatchObject({ dims: [2, BAG_BUCKETS], constant: true });
      expect(inferred.get('y')).toMatchObject({ dims: [2, BAG_BUCKETS], elemType: OnnxDataType.float, constant: false });
    }
  });

  it('counts one FLOP per element of updates for add, mul, max and min, at every shape (not per index, nor per element of data)', () => {
    for (const reduction of REDUCTIONS) {
      for (const [batch, seq] of SHAPES) {
        // 3 weights per token: 3·batch·seq updates (and indices); data and output hold 5·batch.
        const updates = 3 * batch * seq;
        expect(countFlops(bucketBag(reduction), batch, seq)).toEqual({ ...nothing(batch, seq), total: updates, scatter: updates, byPrecision: { fp32: updates } });
      }
    }
  });

  it('counts nothing for reduction none, written or left out (a copy), or for a reduction attribute that is not a string', () => {
    const intReduction = bucketBag('add');
    intReduction.nodes.at(-1)!.attributes.reduction = { int: 1 };
    for (const graph of [bucketBag(null), bucketBag('none'), bucketBag('sum'), intReduction]) {
      for (const [batch, seq] of SHAPES) expect(countFlops(graph, batch, seq)).toEqual(nothing(batch, seq));
    }
  });

  it('counts ScatterElements and ScatterND only: another op with a reduction attribute is not looked into', () => {
    const graph = bucketBag('add');
    const scatter = graph.nodes.at(-1)!;
    graph.nodes[graph.nodes.length - 1] = { ...scatter, opType: 'ScatterAdd', domain: 'com.example' };
    expect(countFlops(graph, 2, 7)).toEqual({ ...nothing(2, 7), unknownOps: ['com.example.ScatterAdd'] });
  });

  it('counts ScatterND by its updates, not by its indices or its data', async () => {
    // ids [b, s] → indices [b, s, 1] into a [10, 3] table of zeros; updates [b, s, 3], gathered.
    const graph = model({
      inputs: [{ name: 'ids', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
      outputs: [floatInput('y', [10, 3])],
      initializers: [floats('token_weights', [10, 3]), { ...floats('table', [10, 3]), data: new Uint8Array(120) }],
      nodes: [
        node('Gather', ['token_weights', 'ids'], ['updates']),
        constant('last', [-1]),
        node('Unsqueeze', ['ids', 'last'], ['indices']),
        node('ScatterND', ['table', 'indices', 'updates'], ['y'], { reduction: { string: 'add' } }),
      ],
      opset: 18,
    });
    const session = await InferenceSession.create(encodeOnnxModel(graph));
    try {
      const result = await session.run({ ids: new Tensor('int64', BigInt64Array.from([1n, 1n, 8n, 2n]), [1, 4]) });
      expect(result.y.dims).toEqual([10, 3]);
    } finally {
      await session.release();
    }
    expect(inferShapes(graph, { ids: [1, 4] }).values.get('y')).toMatchObject({ dims: [10, 3], elemType: OnnxDataType.float });
    for (const [batch, seq] of [[1, 4], [3, 7]]) {
      expect(countFlops(graph, batch, seq)).toEqual({ ...nothing(batch, seq), total: 3 * batch * seq, scatter: 3 * batch * seq, byPrecision: { fp32: 3 * batch * seq } });
    }
    const copy = { ...graph, nodes: graph.nodes.map((n) => (n.opType === 'ScatterND' ? { ...n, attributes: {} } : n)) };
    expect(countFlops(copy, 3, 7)).toEqual(nothing(3, 7));
  });

  it('adds scatter FLOPs to the MatMuls\' in the total, labelled by the type of the updates', () => {
    // bucketBag in fp16 (table and zeros), its [b, 5] output cast to fp32 and projected by W [5, 2].
    const graph = bucketBag('add');
    graph.initializers[0] = { name: 'token_weights', dataType: OnnxDataType.float16, dims: [10, 3] };
    const zeros = graph.nodes.find((n) => n.opType === 'ConstantOfShape')!;
    zeros.attributes.value = { tensor: { name: '', dataType: OnnxDataType.float16, dims: [1], data: new Uint8Array(2) } };
    graph.nodes.at(-1)!.outputs = ['bag'];
    graph.nodes.push(node('Cast', ['bag'], ['bag32'], { to: { int: OnnxDataType.float } }), node('MatMul', ['bag32', 'W'], ['y']));
    graph.initializers.push(floats('W', [BAG_BUCKETS, 2]));
    for (const [batch, seq] of SHAPES) {
      const scatter = 3 * batch * seq;
      const matmul = 2 * BAG_BUCKETS * batch * 2;
      expect(countFlops(graph, batch, seq)).toEqual({ ...nothing(batch, seq), total: matmul + scatter, weights: matmul, scatter, byPrecision: { fp32: matmul, fp16: scatter }, matmuls: 1 });
    }
  });

  it('lists a reducing scatter whose updates it cannot shape, by name or else by op and output; a copy needs no shape', () => {
    const scatterOf = (updates: string, reduction: string | null, name = 'bag', data = 'x') =>
      model({
        inputs: [floatInput('x', ['batch', 'sequence']), { name: 'at', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
        outputs: [floatInput('y', null)],
        nodes: [
          node('MysteryOp', ['x'], ['hidden'], {}, 'com.example'),
          { ...node('ScatterElements', [data, 'at', updates], ['y'], reduction === null ? {} : { reduction: { string: reduction } }), name },
        ],
      });
    const mystery = ['com.example.MysteryOp'];
    expect(countFlops(scatterOf('hidden', 'add'), 2, 3)).toEqual({ ...nothing(2, 3), uncounted: ['bag'], unknownOps: mystery });
    expect(countFlops(scatterOf('hidden', 'max', ''), 2, 3)).toEqual({ ...nothing(2, 3), uncounted: ['ScatterElements → y'], unknownOps: mystery });
    // Updates no node produces: no value at all.
    expect(countFlops(scatterOf('ghost', 'mul'), 2, 3)).toEqual({ ...nothing(2, 3), uncounted: ['bag'], unknownOps: mystery });
    expect(countFlops(scatterOf('hidden', 'none'), 2, 3)).toEqual({ ...nothing(2, 3), unknownOps: mystery });
    expect(countFlops(scatterOf('hidden', null), 2, 3)).toEqual({ ...nothing(2, 3), unknownOps: mystery });
    // Once the updates are shaped, the same scatter counts and its output is known.
    expect(countFlops(scatterOf('x', 'add'), 2, 3)).toEqual({ ...nothing(2, 3), total: 6, scatter: 6, byPrecision: { fp32: 6 }, unknownOps: mystery });
    // Data it cannot shape or type does not matter: the count, and its precision, are the updates'.
    expect(countFlops(scatterOf('x', 'add', 'bag', 'hidden'), 2, 3)).toEqual({ ...nothing(2, 3), total: 6, scatter: 6, byPrecision: { fp32: 6 }, unknownOps: mystery });
  });

  it('is described by its schema, and reads results written before scatters were counted', () => {
    const count = countFlops(bucketBag('add'), 2, 5);
    expect(FlopCountSchema.parse(JSON.parse(JSON.stringify(count)))).toEqual(count);
    const { scatter, ...before } = countFlops(attentionBlock(), 2, 5);
    expect(scatter).toBe(0);
    expect(FlopCountSchema.parse(before)).toEqual(before);
  });
});
