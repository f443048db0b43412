import { OnnxDataType, type OnnxAttribute, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from '../roofline/onnx-model.ts';
import type { EncoderArchitecture } from './replica-catalog.ts';

/**
 * The ONNX graph of a BERT / XLM-R encoder, node for node what `torch.onnx.export` (opset 14) writes
 * for native-models/xlir_encoder/architecture.py, which follows Hugging Face's modeling code: the
 * additive attention mask, word + token-type + position embeddings (XLM-R's padding-offset
 * positions as CumSum over the non-pad mask), post-LN blocks of multi-head self-attention
 * (MatMul, scale, mask, Softmax) and an erf-GELU feed-forward, LayerNorm spelled out as
 * ReduceMean/Sub/Pow/Sqrt/Div, and LaBSE's CLS → Dense → tanh head. Same ops and shapes as the
 * export of a real checkpoint, so ONNX Runtime fuses and runs it the same way.
 *
 * Weights are declared, not filled: `initializers` names each tensor, its shape and how it is
 * drawn (seeded-weights.ts); MatMul weights are stored [in, out], i.e. transposed nn.Linear
 * weights, as torch's export stores them; the LaBSE Dense weight stays [out, in] for its Gemm.
 */

export interface InitializerSpec {
  name: string;
  dims: number[];
  /** Values are drawn around this (1 for LayerNorm gains, 0 otherwise). */
  mean: number;
  /** Rows left at zero: the padding rows of embeddings, as nn.Embedding(padding_idx) initialises them. */
  zeroRows?: number[];
}

export interface EncoderGraph {
  irVersion: number;
  opset: number;
  nodes: OnnxNode[];
  initializers: InitializerSpec[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

export const TOKEN_OUTPUT = 'last_hidden_state';
export const SENTENCE_OUTPUT = 'sentence_embedding';

/** IR version and opset torch 1.13's exporter writes at opset 14, the Python replicas' setting. */
const IR_VERSION = 7;
const OPSET = 14;

function tensorBytes(dataType: number, values: readonly number[]): Uint8Array {
  if (dataType === OnnxDataType.int64) return new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer);
  if (dataType === OnnxDataType.int32) return new Uint8Array(Int32Array.from(values).buffer);
  return new Uint8Array(Float32Array.from(values).buffer);
}

/** Emits nodes in order with readable, unique names (`/layers.3/attention/MatMul_1`). */
class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  private readonly used = new Map<string, number>();

  private uniqueName(scope: string, opType: string): string {
    const base = `${scope}/${opType}`;
    const n = this.used.get(base) ?? 0;
    this.used.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }

  op(scope: string, opType: string, inputs: string[], attributes: Record<string, OnnxAttribute> = {}, output?: string): string {
    const name = this.uniqueName(scope, opType);
    const out = output ?? `${name}_output_0`;
    this.nodes.push({ opType, domain: '', name, inputs, outputs: [out], attributes });
    return out;
  }

  constant(scope: string, dataType: number, dims: number[], values: readonly number[]): string {
    const tensor: OnnxTensor = { name: '', dataType, dims, data: tensorBytes(dataType, values) };
    return this.op(scope, 'Constant', [], { value: { tensor } });
  }

  int64(scope: string, value: number, vector = false): string {
    return this.constant(scope, OnnxDataType.int64, vector ? [1] : [], [value]);
  }

  float(scope: string, value: number): string {
    return this.constant(scope, OnnxDataType.float, [], [value]);
  }

  /** `x.shape[axis]`, a scalar. */
  size(scope: string, x: string, axis: number): string {
    return this.op(scope, 'Gather', [this.op(scope, 'Shape', [x]), this.int64(scope, axis)], { axis: { int: 0 } });
  }

  /** A scalar as a 1-element vector, as torch exports a dynamic size used in a shape or a slice. */
  vector(scope: string, scalar: string): string {
    return this.op(scope, 'Unsqueeze', [scalar, this.int64(scope, 0, true)]);
  }

  dimension(scope: string, x: string, axis: number): string {
    return this.vector(scope, this.size(scope, x, axis));
  }

  linear(scope: string, x: string, weight: string, bias: string): string {
    return this.op(scope, 'Add', [bias, this.op(scope, 'MatMul', [x, weight])]);
  }

  layerNorm(scope: string, x: string, prefix: string, eps: number, output?: string): string {
    const mean = this.op(scope, 'ReduceMean', [x], { axes: { ints: [-1] } });
    const centred = this.op(scope, 'Sub', [x, mean]);
    const variance = this.op(scope, 'ReduceMean', [this.op(scope, 'Pow', [centred, this.float(scope, 2)])], { axes: { ints: [-1] } });
    const normed = this.op(scope, 'Div', [centred, this.op(scope, 'Sqrt', [this.op(scope, 'Add', [variance, this.float(scope, eps)])])]);
    return this.op(scope, 'Add', [this.op(scope, 'Mul', [normed, `${prefix}.weight`]), `${prefix}.bias`], {}, output);
  }
}

function valueInfo(name: string, elemType: number, dims: (number | string)[]): OnnxValueInfo {
  return { name, elemType, dims };
}

/** The encoder's graph for `a`: inputs int64 input_ids / attention_mask [batch, sequence]. */
export function buildEncoderGraph(a: EncoderArchitecture): EncoderGraph {
  const g = new GraphBuilder();
  const h = a.hiddenSize;
  const headSize = h / a.heads;
  if (!Number.isInteger(headSize)) throw new RangeError(`hidden size ${h} is not a multiple of ${a.heads} heads`);
  const initializers: InitializerSpec[] = [
    { name: 'embeddings.word_embeddings.weight', dims: [a.vocabSize, h], mean: 0, zeroRows: [a.padTokenId] },
    { name: 'embeddings.position_embeddings.weight', dims: [a.maxPositions, h], mean: 0, ...(a.positions === 'padding-offset' && { zeroRows: [a.padTokenId] }) },
    { name: 'embeddings.token_type_embeddings.weight', dims: [a.typeVocabSize, h], mean: 0 },
    { name: 'embeddings.LayerNorm.weight', dims: [h], mean: 1 },
    { name: 'embeddings.LayerNorm.bias', dims: [h], mean: 0 },
  ];
  const linear = (prefix: string, inSize: number, outSize: number) =>
    initializers.push({ name: `${prefix}.weight`, dims: [inSize, outSize], mean: 0 }, { name: `${prefix}.bias`, dims: [outSize], mean: 0 });
  const norm = (prefix: string) => initializers.push({ name: `${prefix}.weight`, dims: [h], mean: 1 }, { name: `${prefix}.bias`, dims: [h], mean: 0 });

  // BertModel.get_extended_attention_mask: 0 where attended, float32 min where masked.
  let scope = '';
  const mask4d = g.op(scope, 'Unsqueeze', [g.op(scope, 'Unsqueeze', ['attention_mask', g.int64(scope, 1, true)]), g.int64(scope, 2, true)]);
  const additiveMask = g.op(scope, 'Mul', [g.op(scope, 'Sub', [g.float(scope, 1), g.op(scope, 'Cast', [mask4d], { to: { int: OnnxDataType.float } })]), g.float(scope, -3.4028234663852886e38)]);

  // Embeddings: the token-type buffer sliced to the sequence and expanded to the batch.
  scope = '/embeddings';
  const seqScalar = g.size(scope, 'input_ids', 1);
  const zerosRow = g.constant(scope, OnnxDataType.int64, [1, a.maxPositions], new Array<number>(a.maxPositions).fill(0));
  const one = () => g.int64(scope, 1, true);
  const tokenTypeRow = g.op(scope, 'Slice', [zerosRow, g.int64(scope, 0, true), g.vector(scope, seqScalar), one(), one()]);
  const batchBySeq = g.op(scope, 'Reshape', [g.op(scope, 'Concat', [g.dimension(scope, 'input_ids', 0), g.vector(scope, seqScalar)], { axis: { int: 0 } }), g.int64(scope, -1, true)], { allowzero: { int: 0 } });
  // torch's expand(batch, seq) export: -1 entries of the target shape keep the input's size.
  const ones = g.op(scope, 'ConstantOfShape', [g.op(scope, 'Shape', [batchBySeq])], { value: { tensor: { name: '', dataType: OnnxDataType.int64, dims: [1], data: tensorBytes(OnnxDataType.int64, [1]) } } });
  const isKeep = g.op(scope, 'Equal', [batchBySeq, g.op(scope, 'Mul', [ones, g.int64(scope, -1)])]);
  const tokenTypeIds = g.op(scope, 'Expand', [tokenTypeRow, g.op(scope, 'Where', [isKeep, ones, batchBySeq])]);
  const words = g.op(`${scope}/word_embeddings`, 'Gather', ['embeddings.word_embeddings.weight', 'input_ids']);
  const types = g.op(`${scope}/token_type_embeddings`, 'Gather', ['embeddings.token_type_embeddings.weight', tokenTypeIds]);
  const wordsAndTypes = g.op(scope, 'Add', [words, types]);
  let positionIds: string;
  if (a.positions === 'padding-offset') {
    // modeling_xlm_roberta.create_position_ids_from_input_ids
    const notPad = g.op(scope, 'Cast', [g.op(scope, 'Not', [g.op(scope, 'Equal', ['input_ids', g.int64(scope, a.padTokenId)])])], { to: { int: OnnxDataType.int32 } });
    const counted = g.op(scope, 'Mul', [g.op(scope, 'CumSum', [notPad, g.constant(scope, OnnxDataType.int32, [], [1])]), notPad]);
    positionIds = g.op(scope, 'Add', [g.op(scope, 'Cast', [counted], { to: { int: OnnxDataType.int64 } }), g.int64(scope, a.padTokenId)]);
  } else {
    const arange = g.constant(scope, OnnxDataType.int64, [1, a.maxPositions], Array.from({ length: a.maxPositions }, (_, i) => i));
    positionIds = g.op(scope, 'Slice', [arange, g.int64(scope, 0, true), g.vector(scope, seqScalar), one(), one()]);
  }
  const positions = g.op(`${scope}/position_embeddings`, 'Gather', ['embeddings.position_embeddings.weight', positionIds]);
  let hidden = g.layerNorm(`${scope}/LayerNorm`, g.op(scope, 'Add', [wordsAndTypes, positions]), 'embeddings.LayerNorm', a.layerNormEps);

  for (let layer = 0; layer < a.layers; layer++) {
    const p = `layers.${layer}`;
    scope = `/${p}`;
    for (const part of ['query', 'key', 'value']) linear(`${p}.attention.${part}`, h, h);
    linear(`${p}.attention_output`, h, h);
    norm(`${p}.attention_norm`);
    linear(`${p}.intermediate`, h, a.intermediateSize);
    linear(`${p}.output`, a.intermediateSize, h);
    norm(`${p}.output_norm`);

    const at = `${scope}/attention`;
    // [batch, seq, hidden] → [batch, seq, heads, headSize], shapes read from the tensor as torch's view does.
    const splitHeads = (x: string) => g.op(at, 'Reshape', [x, g.op(at, 'Concat', [g.dimension(at, x, 0), g.dimension(at, x, 1), g.int64(at, a.heads, true), g.int64(at, headSize, true)], { axis: { int: 0 } })], { allowzero: { int: 0 } });
    const project = (part: string) => g.linear(`${at}/${part}`, hidden, `${p}.attention.${part}.weight`, `${p}.attention.${part}.bias`);
    const q = g.op(at, 'Transpose', [splitHeads(project('query'))], { perm: { ints: [0, 2, 1, 3] } });
    const k = splitHeads(project('key'));
    const v = g.op(at, 'Transpose', [splitHeads(project('value'))], { perm: { ints: [0, 2, 1, 3] } });
    const scores = g.op(at, 'Div', [g.op(at, 'MatMul', [q, g.op(at, 'Transpose', [k], { perm: { ints: [0, 2, 3, 1] } })]), g.float(at, Math.sqrt(headSize))]);
    const probs = g.op(at, 'Softmax', [g.op(at, 'Add', [scores, additiveMask])], { axis: { int: -1 } });
    const context = g.op(at, 'Transpose', [g.op(at, 'MatMul', [probs, v])], { perm: { ints: [0, 2, 1, 3] } });
    const merged = g.op(at, 'Reshape', [context, g.op(at, 'Concat', [g.dimension(at, context, 0), g.dimension(at, context, 1), g.int64(at, -1, true)], { axis: { int: 0 } })], { allowzero: { int: 0 } });
    const attended = g.linear(`${scope}/attention_output`, merged, `${p}.attention_output.weight`, `${p}.attention_output.bias`);
    hidden = g.layerNorm(`${scope}/attention_norm`, g.op(scope, 'Add', [attended, hidden]), `${p}.attention_norm`, a.layerNormEps);
    // GELU(erf): x · (1 + erf(x / √2)) · 0.5
    const inner = g.linear(`${scope}/intermediate`, hidden, `${p}.intermediate.weight`, `${p}.intermediate.bias`);
    const gelu = g.op(scope, 'Mul', [g.op(scope, 'Mul', [inner, g.op(scope, 'Add', [g.op(scope, 'Erf', [g.op(scope, 'Div', [inner, g.float(scope, Math.SQRT2)])]), g.float(scope, 1)])]), g.float(scope, 0.5)]);
    const out = g.linear(`${scope}/output`, gelu, `${p}.output.weight`, `${p}.output.bias`);
    // The last block's LayerNorm writes the graph output, under the name the export gives it.
    const graphOutput = layer === a.layers - 1 && a.sentenceHead === 'none' ? TOKEN_OUTPUT : undefined;
    hidden = g.layerNorm(`${scope}/output_norm`, g.op(scope, 'Add', [out, hidden]), `${p}.output_norm`, a.layerNormEps, graphOutput);
  }

  let output = hidden;
  if (a.sentenceHead === 'cls-dense-tanh') {
    initializers.push({ name: 'sentence_dense.weight', dims: [h, h], mean: 0 }, { name: 'sentence_dense.bias', dims: [h], mean: 0 });
    const cls = g.op('', 'Gather', [hidden, g.int64('', 0)], { axis: { int: 1 } });
    const dense = g.op('/sentence_dense', 'Gemm', [cls, 'sentence_dense.weight', 'sentence_dense.bias'], { alpha: { float: 1 }, beta: { float: 1 }, transB: { int: 1 } });
    output = g.op('', 'Tanh', [dense], {}, SENTENCE_OUTPUT);
  }
  return {
    irVersion: IR_VERSION,
    opset: OPSET,
    nodes: g.nodes,
    initializers,
    inputs: [valueInfo('input_ids', OnnxDataType.int64, ['batch', 'sequence']), valueInfo('attention_mask', OnnxDataType.int64, ['batch', 'sequence'])],
    outputs: [output === SENTENCE_OUTPUT ? valueInfo(SENTENCE_OUTPUT, OnnxDataType.float, ['batch', h]) : valueInfo(TOKEN_OUTPUT, OnnxDataType.float, ['batch', 'sequence', h])],
  };
}

