import { z } from 'zod';
import { OnnxDataType, type OnnxModel } from './onnx-model.ts';
import { inferShapes, matMulShape, type ShapeInference } from './shape-inference.ts';

/**
 * FLOPs of one forward pass of an encoder graph for a concrete input shape, counted from the ONNX
 * graph itself.
 *
 * Counted: every MatMul-family node (MatMul, Gemm, FusedMatMul, MatMulInteger, QLinearMatMul,
 * DynamicQuantizeMatMul) at 2·K FLOPs per output element (one multiply and one add per term of
 * each dot product), split into
 * - `weights`: one operand is a constant (initializer, or computed from initializers only): the
 *   Q/K/V and output projections and the feed-forward layers, linear in the token count;
 * - `attention`: both operands are activations: QKᵀ and the attention-weighted sum AV, quadratic
 *   in the token count.
 *
 * Not counted: elementwise ops, softmax, LayerNorm, GELU, embedding lookups, Gemm's bias. For
 * BERT-base-sized encoders they are about 1% of the FLOPs (a few operations per activation against
 * 2·768 or 2·3072 per output of a GEMM), and they are bound by memory bandwidth, not by the
 * multiply-add units the peak measures: counting them would mix two rooflines into one figure.
 * Contrib ops that hide GEMMs inside (com.microsoft Attention, EmbedLayerNormalization) are not
 * looked into: their GEMMs are missed and `unknownOps` names them.
 */
export const FlopCountSchema = z.object({
  batch: z.number().int(),
  sequence: z.number().int(),
  /** weights + attention. */
  total: z.number(),
  weights: z.number(),
  attention: z.number(),
  /** FLOPs by the element type of the first operand: fp32, fp16, int8 … */
  byPrecision: z.record(z.string(), z.number()),
  /** MatMul-family nodes counted. */
  matmuls: z.number().int(),
  /** MatMul-family nodes whose shapes could not be inferred: with any, `total` is a lower bound. */
  uncounted: z.array(z.string()),
  /** Op types the shape inference does not know (their outputs' shapes are unknown). */
  unknownOps: z.array(z.string()),
});

export type FlopCount = z.infer<typeof FlopCountSchema>;

const PRECISION: Record<number, string> = {
  [OnnxDataType.float]: 'fp32',
  [OnnxDataType.float16]: 'fp16',
  [OnnxDataType.double]: 'fp64',
  [OnnxDataType.int8]: 'int8',
  [OnnxDataType.uint8]: 'int8',
};

/**
 * The shapes of every value for inputs of shape [batch, sequence]: every graph input of rank 2
 * (ids, mask, token types) gets that shape; other inputs keep the dims the graph declares.
 */
export function inferEncoderShapes(model: OnnxModel, batch: number, sequence: number): ShapeInference {
  const inputDims: Record<string, number[]> = {};
  // An initializer that is also listed as an input keeps its own shape: inferShapes ignores its entry here.
  for (const input of model.inputs) if (input.dims === null || input.dims.length === 2) inputDims[input.name] = [batch, sequence];
  return inferShapes(model, inputDims);
}

/** Counts FLOPs for inputs of shape [batch, sequence] (`shapes`: `inferEncoderShapes` of the same, when already at hand). */
export function countFlops(model: OnnxModel, batch: number, sequence: number, shapes: ShapeInference = inferEncoderShapes(model, batch, sequence)): FlopCount {
  const { values, unknownOps } = shapes;
  const count: FlopCount = { batch, sequence, total: 0, weights: 0, attention: 0, byPrecision: {}, matmuls: 0, uncounted: [], unknownOps };
  for (const node of model.nodes) {
    // An omitted optional input ('') has no value.
    const ins = node.inputs.map((name) => values.get(name));
    const shape = matMulShape(node, ins);
    if (shape === undefined) continue;
    if (shape === null) {
      count.uncounted.push(node.name || `${node.opType} → ${node.outputs[0]}`);
      continue;
    }
    const flops = 2 * shape.k * shape.output.reduce((a, b) => a * b, 1);
    const [a, b] = node.opType === 'QLinearMatMul' ? [ins[0], ins[3]] : [ins[0], ins[1]];
    if (a?.constant || b?.constant) count.weights += flops;
    else count.attention += flops;
    const precision = PRECISION[a?.elemType ?? -1] ?? `type${a?.elemType ?? '?'}`;
    count.byPrecision[precision] = (count.byPrecision[precision] ?? 0) + flops;
    count.matmuls++;
  }
  count.total = count.weights + count.attention;
  return count;
}
