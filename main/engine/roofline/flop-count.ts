import { z } from 'zod';
import { OnnxDataType, type OnnxModel, type OnnxNode } from './onnx-model.ts';
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
 * Also counted, as `scatter`: every ScatterElements and ScatterND with a `reduction` (add, mul, max,
 * min; opset 16 and later) at one FLOP per element of `updates` (its third input), each combined
 * with the element it lands on. A scatter-add summing weights into buckets is the whole arithmetic
 * of a bag-of-buckets encoder (the dictionary bridge), which has no MatMul: without it such a graph
 * would have no FLOPs, no intensity and no place on the roofline. Its bucket hashing (int64 Mul, Add,
 * Mod) and its float mask are elementwise ops, not counted (below). Reduction `none` (the default, and
 * the older Scatter op) only copies: 0 FLOPs.
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
  /** weights + attention + scatter. */
  total: z.number(),
  weights: z.number(),
  attention: z.number(),
  /** Reducing ScatterElements/ScatterND: one per element of `updates`; absent in results written before it was counted. */
  scatter: z.number().optional(),
  /** FLOPs by element type: a MatMul's first operand's, a scatter's updates' (fp32, fp16, int8 …). */
  byPrecision: z.record(z.string(), z.number()),
  /** MatMul-family nodes counted. */
  matmuls: z.number().int(),
  /** Counted nodes (MatMul-family, reducing scatters) whose shapes could not be inferred: with any, `total` is a lower bound. */
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

const SCATTER_OPS = new Set(['ScatterElements', 'ScatterND']);
/** The `reduction`s that combine each update with the element it lands on; `none` (the default) copies. */
const REDUCTIONS = new Set<string | undefined>(['add', 'mul', 'max', 'min']);

/** Whether `node` is a ScatterElements or ScatterND with a reduction. */
function isReducingScatter(node: OnnxNode): boolean {
  // A string attribute; absent, or of another kind, it is no reduction.
  const reduction = (node.attributes.reduction as { string?: string } | undefined)?.string;
  return SCATTER_OPS.has(node.opType) && REDUCTIONS.has(reduction);
}

/** Counts FLOPs for inputs of shape [batch, sequence] (`shapes`: `inferEncoderShapes` of the same, when already at hand). */
export function countFlops(model: OnnxModel, batch: number, sequence: number, shapes: ShapeInference = inferEncoderShapes(model, batch, sequence)): FlopCount {
  const { values, unknownOps } = shapes;
  const count: FlopCount = { batch, sequence, total: 0, weights: 0, attention: 0, scatter: 0, byPrecision: {}, matmuls: 0, uncounted: [], unknownOps };
  let scatter = 0;
  const add = (elemType: number | null | undefined, flops: number) => {
    const precision = PRECISION[elemType ?? -1] ?? `type${elemType ?? '?'}`;
    count.byPrecision[precision] = (count.byPrecision[precision] ?? 0) + flops;
  };
  const uncounted = (node: OnnxNode) => count.uncounted.push(node.name || `${node.opType} → ${node.outputs[0]}`);
  for (const node of model.nodes) {
    // An omitted optional input ('') has no value.
    const ins = node.inputs.map((name) => values.get(name));
    if (isReducingScatter(node)) {
      // (data, indices, updates): one operation per update.
      const updates = ins[2];
      if (!updates?.dims) {
        uncounted(node);
        continue;
      }
      const flops = updates.dims.reduce((a, b) => a * b, 1);
      scatter += flops;
      add(updates.elemType, flops);
      continue;
    }
    const shape = matMulShape(node, ins);
    if (shape === undefined) continue;
    if (shape === null) {
      uncounted(node);
      continue;
    }
    const flops = 2 * shape.k * shape.output.reduce((a, b) => a * b, 1);
    const [a, b] = node.opType === 'QLinearMatMul' ? [ins[0], ins[3]] : [ins[0], ins[1]];
    if (a?.constant || b?.constant) count.weights += flops;
    else count.attention += flops;
    add(a?.elemType, flops);
    count.matmuls++;
  }
  count.scatter = scatter;
  count.total = count.weights + count.attention + scatter;
  return count;
}
