import { OnnxDataType, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../../main/engine/roofline/onnx-model.ts';

/** Small hand-built ONNX graphs for the FLOP-counting tests. */

export function node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, OnnxAttribute> = {}, domain = ''): OnnxNode {
  return { opType, domain, name: outputs[0], inputs, outputs, attributes };
}

export function floats(name: string, dims: number[]): OnnxTensor {
  const n = dims.reduce((a, b) => a * b, 1);
  const values = Float32Array.from({ length: n }, (_, i) => ((i % 7) - 3) / 10);
  return { name, dataType: OnnxDataType.float, dims, data: new Uint8Array(values.buffer) };
}

export function int64s(name: string, values: number[]): OnnxTensor {
  return { name, dataType: OnnxDataType.int64, dims: [values.length], data: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) };
}

export const constant = (output: string, values: number[]): OnnxNode => node('Constant', [], [output], { value: { tensor: int64s('', values) } });

export function model(parts: { nodes: OnnxNode[]; initializers?: OnnxTensor[]; inputs: OnnxValueInfo[]; outputs: OnnxValueInfo[]; valueInfo?: OnnxValueInfo[]; opset?: number }): OnnxModel {
  return { irVersion: 8, opset: parts.opset ?? 17, producer: 'xlir-bench test', initializers: [], valueInfo: [], ...parts };
}

export const floatInput = (name: string, dims: OnnxValueInfo['dims']): OnnxValueInfo => ({ name, elemType: OnnxDataType.float, dims });

/**
 * One self-attention block as torch exports it: hidden states [batch, seq, hidden] from a
 * [batch, seq] float input through a projection, heads split with a Reshape whose target shape is
 * computed at run time (Shape → Gather → Unsqueeze → Concat), QKᵀ, softmax, AV, heads merged, an
 * output projection. Hidden 8 = 2 heads × 4.
 */
export function attentionBlock(): OnnxModel {
  const hidden = 8;
  const heads = 2;
  const headDim = 4;
  const split = (x: string, out: string) => [
    node('Reshape', [x, `${out}_shape`], [`${out}_heads`]),
    node('Transpose', [`${out}_heads`], [out], { perm: { ints: [0, 2, 1, 3] } }),
  ];
  return model({
    inputs: [floatInput('features', ['batch', 'sequence'])],
    outputs: [floatInput('out', ['batch', 'sequence', hidden])],
    initializers: [floats('embed', [1, hidden]), floats('Wq', [hidden, hidden]), floats('Wk', [hidden, hidden]), floats('Wv', [hidden, hidden]), floats('Wo', [hidden, hidden])],
    nodes: [
      constant('axis_last', [2]),
      node('Unsqueeze', ['features', 'axis_last'], ['features3']),
      node('MatMul', ['features3', 'embed'], ['h']), // [b, s, 1] × [1, 8]: a projection too, K = 1
      node('Shape', ['h'], ['h_shape']),
      constant('i0', [0]),
      constant('i1', [1]),
      node('Gather', ['h_shape', 'i0'], ['b'], { axis: { int: 0 } }),
      node('Gather', ['h_shape', 'i1'], ['s'], { axis: { int: 0 } }),
      constant('heads_dims', [heads, headDim]),
      node('Concat', ['b', 's', 'heads_dims'], ['q_shape'], { axis: { int: 0 } }),
      node('Identity', ['q_shape'], ['k_shape']),
      node('Identity', ['q_shape'], ['v_shape']),
      node('MatMul', ['h', 'Wq'], ['q_flat']),
      node('MatMul', ['h', 'Wk'], ['k_flat']),
      node('MatMul', ['h', 'Wv'], ['v_flat']),
      ...split('q_flat', 'q'),
      ...split('k_flat', 'k'),
      ...split('v_flat', 'v'),
      node('Transpose', ['k'], ['kT'], { perm: { ints: [0, 1, 3, 2] } }),
      node('MatMul', ['q', 'kT'], ['scores']),
      node('Softmax', ['scores'], ['probs'], { axis: { int: -1 } }),
      node('MatMul', ['probs', 'v'], ['context_heads']),
      node('Transpose', ['context_heads'], ['context_t'], { perm: { ints: [0, 2, 1, 3] } }),
      constant('merged_shape', [0, 0, -1]),
      node('Reshape', ['context_t', 'merged_shape'], ['context']),
      node('MatMul', ['context', 'Wo'], ['out']),
    ],
  });
}

/** Hand count of attentionBlock's FLOPs for [batch, seq]: 2·K per output element of each MatMul. */
export function attentionBlockFlops(batch: number, seq: number): { weights: number; attention: number } {
  const rows = batch * seq;
  const embed = 2 * 1 * rows * 8;
  const projections = 4 * (2 * 8 * rows * 8);
  const qk = 2 * 4 * (batch * 2 * seq * seq);
  const av = 2 * seq * (batch * 2 * seq * 4);
  return { weights: embed + projections, attention: qk + av };
}

/** An int64 initializer of any shape (`int64s` makes a vector). */
export function int64Tensor(name: string, dims: number[], values: number[]): OnnxTensor {
  return { name, dataType: OnnxDataType.int64, dims, data: new Uint8Array(BigInt64Array.from(values, BigInt).buffer) };
}

/** The buckets a bag of buckets sums into: bucketBag's output is [batch, BAG_BUCKETS]. */
export const BAG_BUCKETS = 5;

/**
 * A bag-of-buckets encoder, as the dictionary bridge is: ids [batch, sequence] pick 3 weights and
 * 3 buckets per token from two tables of 10 rows (Gather), both flattened to [batch, 3·sequence]
 * with a target computed at run time, and one ScatterElements sums the weights into a
 * [batch, 5] float buffer of zeros (ConstantOfShape) with `reduction` (none: the attribute left out).
 * Updates: 3·batch·sequence elements; indices as many; data and output 5·batch.
 */
export function bucketBag(reduction: string | null): OnnxModel {
  const buckets = Array.from({ length: 30 }, (_, i) => (i * 7) % BAG_BUCKETS);
  return model({
    inputs: [{ name: 'ids', elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] }],
    outputs: [floatInput('y', ['batch', BAG_BUCKETS])],
    initializers: [floats('token_weights', [10, 3]), int64Tensor('token_buckets', [10, 3], buckets)],
    nodes: [
      node('Gather', ['token_weights', 'ids'], ['w']),
      node('Gather', ['token_buckets', 'ids'], ['k']),
      node('Shape', ['ids'], ['ids_shape']),
      constant('first', [0]),
      node('Gather', ['ids_shape', 'first'], ['b'], { axis: { int: 0 } }),
      constant('rest', [-1]),
      node('Concat', ['b', 'rest'], ['flat'], { axis: { int: 0 } }),
      node('Reshape', ['w', 'flat'], ['updates']),
      node('Reshape', ['k', 'flat'], ['indices']),
      constant('width', [BAG_BUCKETS]),
      node('Concat', ['b', 'width'], ['bag_shape'], { axis: { int: 0 } }),
      node('ConstantOfShape', ['bag_shape'], ['zeros'], { value: { tensor: { ...floats('', [1]), data: new Uint8Array(4) } } }),
      node('ScatterElements', ['zeros', 'indices', 'updates'], ['y'], { axis: { int: 1 }, ...(reduction !== null && { reduction: { string: reduction } }) }),
    ],
    // Reductions max and min came with opset 18.
    opset: 18,
  });
}
