import { XlirError } from '../errors.ts';
import {
  AttributeKind,
  decodeModelMessage,
  defaultOpset,
  ElementType,
  encodeModelMessage,
  floatValues,
  int64,
  node,
  tensorMessage,
  type NodeMessage,
  type TensorMessage,
} from './onnx-message.ts';

/** Weight matrices smaller than this stay float: their compute is negligible and quantising them only adds error. */
const MIN_QUANTIZED_ELEMENTS = 1024;

export interface Int8Report {
  /** MatMul / Gemm nodes now computed in int8. */
  quantizedNodes: number;
  /** Embedding tables (Gather over a weight) now stored in int8. */
  quantizedTables: number;
  /** Weight elements stored as int8. */
  quantizedWeights: number;
}

/** Rounds half to even, as numpy's `rint` (which ONNX Runtime's quantiser uses) does. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Per output column of a [K, N] weight: scale = max|w| / 127 and w_q = round(w / scale), symmetric
 * (zero point 0). One scale per column keeps a column of small weights from being flattened by a
 * large one elsewhere in the matrix; the kernel cost is the same as one scale for all.
 */
export function quantizeColumns(weights: Float32Array, k: number, n: number): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(n);
  for (let col = 0; col < n; col++) {
    let max = 0;
    for (let row = 0; row < k; row++) max = Math.max(max, Math.abs(weights[row * n + col]));
    scales[col] = max > 0 ? max / 127 : 1;
  }
  const values = new Int8Array(k * n);
  for (let row = 0; row < k; row++) {
    for (let col = 0; col < n; col++) {
      const q = roundHalfEven(weights[row * n + col] / scales[col]);
      values[row * n + col] = Math.max(-127, Math.min(127, q));
    }
  }
  return { values, scales };
}

function transpose<T extends Float32Array | Int8Array>(values: T, rows: number, cols: number): T {
  const out = new (values.constructor as new (length: number) => T)(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

/** Per row of a [rows, cols] table (an embedding: one scale per token), as `quantizeColumns` per column. */
export function quantizeRows(weights: Float32Array, rows: number, cols: number): { values: Int8Array; scales: Float32Array } {
  const { values, scales } = quantizeColumns(transpose(weights, rows, cols), cols, rows);
  return { values: transpose(values, cols, rows), scales };
}

const intAttribute = (n: NodeMessage, name: string, fallback: number): number => {
  const a = n.attribute?.find((x) => x.name === name);
  return a?.type === AttributeKind.INT ? int64(a.i) : fallback;
};
const floatAttribute = (n: NodeMessage, name: string, fallback: number): number => {
  const a = n.attribute?.find((x) => x.name === name);
  return a?.type === AttributeKind.FLOAT ? (a.f ?? fallback) : fallback;
};

/**
 * Dynamic int8 quantisation of an ONNX graph, as ONNX Runtime's `quantize_dynamic` (QInt8 weights,
 * MatMulInteger) does it, in standard ONNX ops that ONNX Runtime fuses into its int8 kernels:
 * every MatMul (and plain Gemm) whose right operand is a float32 weight initializer becomes
 *
 *     DynamicQuantizeLinear(A) → A_q (uint8), a_scale, a_zero
 *     MatMulInteger(A_q, W_q, a_zero, 0) → int32 → Cast float → × (a_scale · w_scale[column])  (+ bias for Gemm)
 *
 * with W_q int8 per output column (`quantizeColumns`). Activations are quantised per call (one
 * scale per tensor), so nothing is calibrated and the result depends only on the input file: the
 * same model.onnx always gives the same bytes.
 *
 * An embedding table (a Gather along axis 0 from a float32 [V, H] initializer) is stored int8 per
 * row, one scale per token — in a small multilingual encoder the vocabulary is most of the
 * weights — and each looked-up row is scaled back to float:
 *
 *     Gather(W_q, ids) → Cast float → × Gather(row_scale, ids)
 *
 * Biases, LayerNorm and attention (activation × activation) stay float32.
 */
export function quantizeInt8(bytes: Uint8Array, source: string): { bytes: Uint8Array; report: Int8Report } {
  const model = decodeModelMessage(bytes, source);
  const opset = defaultOpset(model);
  if (opset < 11) throw new XlirError('VARIANT_UNSUPPORTED', `${source} uses opset ${opset}; int8 quantisation needs opset 11 or later (DynamicQuantizeLinear). Re-export the model with a newer opset.`);
  const graph = model.graph;
  const initializers = new Map(graph.initializer.map((t) => [t.name ?? '', t]));
  const consumers = new Map<string, number>();
  for (const n of graph.node) for (const input of n.input ?? []) consumers.set(input, (consumers.get(input) ?? 0) + 1);

  const added: TensorMessage[] = [];
  const quantizedWeights = new Map<string, { values: string; scales: string; zero: string; n: number }>();
  const quantizedActivations = new Map<string, [string, string, string]>();
  const names = new Set(graph.node.flatMap((n) => [...(n.output ?? []), n.name ?? '']).concat([...initializers.keys()]));
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    return name;
  };
  let weightCount = 0;
  let nodeCount = 0;
  let tableCount = 0;
  const isWeight = (t: TensorMessage | undefined, dims: number[]): t is TensorMessage =>
    t !== undefined && t.data_type === ElementType.float && t.data_location !== 1 && dims.length === 2 && dims[0] * dims[1] >= MIN_QUANTIZED_ELEMENTS;

  /** The int8 form of a weight, made once even when several nodes share it. `transposed`: Gemm's transB. */
  const quantizedWeight = (tensor: TensorMessage, transposed: boolean) => {
    const key = `${tensor.name}|${transposed}`;
    const done = quantizedWeights.get(key);
    if (done) return done;
    const dims = (tensor.dims ?? []).map(int64);
    const raw = floatValues(tensor)!;
    const [k, n] = transposed ? [dims[1], dims[0]] : [dims[0], dims[1]];
    const { values, scales } = quantizeColumns(transposed ? transpose(raw, dims[0], dims[1]) : raw, k, n);
    const base = `${tensor.name}_int8`;
    const entry = { values: fresh(`${base}_weight`), scales: fresh(`${base}_scale`), zero: fresh(`${base}_zero_point`), n };
    added.push(tensorMessage(entry.values, ElementType.int8, [k, n], values), tensorMessage(entry.scales, ElementType.float, [n], scales), tensorMessage(entry.zero, ElementType.int8, [n], new Int8Array(n)));
    quantizedWeights.set(key, entry);
    weightCount += k * n;
    return entry;
  };

  /** The int8 form of an embedding table, per row, made once even when several Gathers share it. */
  const quantizedTable = (tensor: TensorMessage) => {
    const key = `${tensor.name}|rows`;
    const done = quantizedWeights.get(key);
    if (done) return done;
    const [v, h] = (tensor.dims ?? []).map(int64);
    const { values, scales } = quantizeRows(floatValues(tensor)!, v, h);
    const base = `${tensor.name}_int8`;
    const entry = { values: fresh(`${base}_table`), scales: fresh(`${base}_row_scale`), zero: '', n: h };
    added.push(tensorMessage(entry.values, ElementType.int8, [v, h], values), tensorMessage(entry.scales, ElementType.float, [v, 1], scales));
    quantizedWeights.set(key, entry);
    weightCount += v * h;
    return entry;
  };

  const out: NodeMessage[] = [];
  for (const n of graph.node) {
    if (n.op_type === 'Gather' && (n.domain ?? '') === '' && intAttribute(n, 'axis', 0) === 0) {
      const [table, ids] = n.input ?? [];
      const tensor = initializers.get(table);
      if (isWeight(tensor, tensor ? (tensor.dims ?? []).map(int64) : []) && !initializers.has(ids)) {
        const q = quantizedTable(tensor);
        const base = n.name || n.output![0];
        const [rows, asFloat, rowScales] = [fresh(`${base}_int8_rows`), fresh(`${base}_rows_float`), fresh(`${base}_row_scales`)];
        out.push(
          node('Gather', [q.values, ids], [rows], fresh(`${base}_int8_Gather`)),
          node('Cast', [rows], [asFloat], fresh(`${base}_Cast`), [{ name: 'to', type: AttributeKind.INT, i: ElementType.float }]),
          node('Gather', [q.scales, ids], [rowScales], fresh(`${base}_scale_Gather`)),
          node('Mul', [asFloat, rowScales], [n.output![0]], fresh(`${base}_Mul`)),
        );
        tableCount++;
        consumers.set(table, consumers.get(table)! - 1);
        continue;
      }
    }
    const isMatMul = n.op_type === 'MatMul' && (n.domain ?? '') === '';
    const isGemm = n.op_type === 'Gemm' && (n.domain ?? '') === '' && intAttribute(n, 'transA', 0) === 0 && floatAttribute(n, 'alpha', 1) === 1 && floatAttribute(n, 'beta', 1) === 1;
    const [a, b, bias] = n.input ?? [];
    const weight = b !== undefined ? initializers.get(b) : undefined;
    const dims = weight ? (weight.dims ?? []).map(int64) : [];
    if (!(isMatMul || isGemm) || initializers.has(a) || !isWeight(weight, dims)) {
      out.push(n);
      continue;
    }
    const w = quantizedWeight(weight, isGemm && intAttribute(n, 'transB', 0) === 1);
    let activation = quantizedActivations.get(a);
    if (!activation) {
      activation = [fresh(`${a}_quantized`), fresh(`${a}_scale`), fresh(`${a}_zero_point`)];
      out.push(node('DynamicQuantizeLinear', [a], [...activation], fresh(`${a}_DynamicQuantizeLinear`)));
      quantizedActivations.set(a, activation);
    }
    const [aq, aScale, aZero] = activation;
    const y = n.output![0];
    const base = n.name || y;
    const integer = fresh(`${base}_int32`);
    const asFloat = fresh(`${base}_float`);
    const scale = fresh(`${base}_scale`);
    const product = bias !== undefined && isGemm ? fresh(`${base}_product`) : y;
    out.push(
      node('MatMulInteger', [aq, w.values, aZero, w.zero], [integer], fresh(`${base}_MatMulInteger`)),
      node('Cast', [integer], [asFloat], fresh(`${base}_Cast`), [{ name: 'to', type: AttributeKind.INT, i: ElementType.float }]),
      node('Mul', [aScale, w.scales], [scale], fresh(`${base}_scale_Mul`)),
      node('Mul', [asFloat, scale], [product], fresh(`${base}_Mul`)),
    );
    if (product !== y) out.push(node('Add', [product, bias], [y], fresh(`${base}_bias_Add`)));
    nodeCount++;
    consumers.set(b, consumers.get(b)! - 1);
  }
  if (nodeCount + tableCount === 0) {
    throw new XlirError('VARIANT_UNSUPPORTED', `${source} has no float32 MatMul, Gemm or embedding Gather with a weight matrix to quantise (is it already quantised?).`);
  }
  // A float weight no node reads any more is dropped; one still read elsewhere (tied weights) stays,
  // and with subgraphs (If, Loop: their reads are not visible here) every float weight stays.
  const hasSubgraphs = graph.node.some((n) => n.attribute?.some((x) => x.type === AttributeKind.GRAPH || x.type === AttributeKind.GRAPHS));
  const unread = (t: TensorMessage) => !hasSubgraphs && (consumers.get(t.name ?? '') ?? 0) === 0 && quantizedByName(quantizedWeights, t.name ?? '');
  graph.initializer = [...graph.initializer.filter((t) => !unread(t)), ...added];
  graph.node = out;
  model.producer_name = `${model.producer_name ?? ''}+xlir-int8`;
  return { bytes: encodeModelMessage(model), report: { quantizedNodes: nodeCount, quantizedTables: tableCount, quantizedWeights: weightCount } };
}

function quantizedByName(done: Map<string, unknown>, name: string): boolean {
  return done.has(`${name}|false`) || done.has(`${name}|true`) || done.has(`${name}|rows`);
}
