import { XlirError } from '../errors.ts';
import {
  AttributeKind,
  decodeModelMessage,
  ElementType,
  encodeModelMessage,
  floatValues,
  int64,
  node,
  type GraphMessage,
  type TensorMessage,
  type ValueInfoMessage,
} from './onnx-message.ts';

/** Largest finite binary16 value: larger float32 values (masks of -3.4e38) are clamped to it, not made infinite. */
const FP16_MAX = 65504;

const scratch = new DataView(new ArrayBuffer(4));

/** float32 → IEEE 754 binary16 bits, round to nearest even, subnormals kept, out-of-range values clamped to ±65504. */
export function toHalfBits(value: number): number {
  if (Number.isNaN(value)) return 0x7e00;
  const clamped = Math.max(-FP16_MAX, Math.min(FP16_MAX, value));
  scratch.setFloat32(0, clamped);
  const bits = scratch.getUint32(0);
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7bff;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: zero
    mantissa |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mantissa & ((1 << shift) - 1);
    let out = mantissa >>> shift;
    if (rest > half || (rest === half && (out & 1) === 1)) out++;
    return sign | out;
  }
  let out = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (out & 1) === 1)) out++; // may carry into the exponent, which is right
  return sign | Math.min(out, 0x7bff);
}

function halfTensor(t: TensorMessage): TensorMessage {
  const values = floatValues(t)!;
  const half = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) half[i] = toHalfBits(values[i]);
  const { float_data: _floats, raw_data: _raw, ...rest } = t;
  return { ...rest, data_type: ElementType.float16, raw_data: new Uint8Array(half.buffer) };
}

const isFloat = (v: ValueInfoMessage) => v.type?.tensor_type?.elem_type === ElementType.float;

/** Ops whose float inputs or attributes must stay float32 by the ONNX spec or ONNX Runtime's kernels. */
const FLOAT32_ONLY = new Set(['Resize', 'Upsample', 'Range', 'RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'NonMaxSuppression', 'RoiAlign', 'TopK', 'Loop', 'If', 'Scan']);

/**
 * The fp16 variant: every float32 weight, constant and intermediate tensor becomes float16; the
 * graph's float inputs and outputs stay float32 with a Cast at the edge (onnxruntime-node cannot
 * pass float16 tensors, and the encoder reads float32). Values beyond the float16 range are clamped
 * to ±65504. On a provider with float16 kernels (CUDA) the graph computes in half precision; ONNX
 * Runtime's CPU provider computes the operators it has no float16 kernel for in float32, with casts
 * around them, so there it mostly measures float16 weights and the casts.
 */
export function convertFp16(bytes: Uint8Array, source: string): Uint8Array {
  const model = decodeModelMessage(bytes, source);
  const graph: GraphMessage = model.graph;
  const blocked = graph.node.find((n) => FLOAT32_ONLY.has(n.op_type ?? '') || n.attribute?.some((a) => a.type === AttributeKind.GRAPH || a.type === AttributeKind.GRAPHS));
  if (blocked) throw new XlirError('VARIANT_UNSUPPORTED', `${source}: node "${blocked.name}" (${blocked.op_type}) cannot be converted to float16 safely; make the fp16 variant with onnxconverter-common (keep_io_types=True) and put it in the folder as model_fp16.onnx.`);
  if (!graph.initializer.some((t) => t.data_type === ElementType.float)) {
    throw new XlirError('VARIANT_UNSUPPORTED', `${source} has no float32 weights to convert (is it already float16 or quantised?).`);
  }

  graph.initializer = graph.initializer.map((t) => (t.data_type === ElementType.float && t.data_location !== 1 ? halfTensor(t) : t));
  for (const n of graph.node) {
    for (const a of n.attribute ?? []) {
      if (a.type === AttributeKind.TENSOR && a.t?.data_type === ElementType.float) a.t = halfTensor(a.t);
      if (n.op_type === 'Cast' && a.name === 'to' && a.type === AttributeKind.INT && int64(a.i) === ElementType.float) a.i = ElementType.float16;
    }
  }
  for (const v of graph.value_info) if (isFloat(v)) v.type!.tensor_type!.elem_type = ElementType.float16;

  const names = new Set(graph.node.flatMap((n) => n.output ?? []));
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; names.has(name); i++) name = `${base}_${i}`;
    names.add(name);
    return name;
  };
  // Float inputs: cast to float16 on entry, and every reader reads the cast.
  const entry = graph.input.filter(isFloat).map((input) => {
    const half = fresh(`${input.name}_fp16`);
    for (const n of graph.node) n.input = (n.input ?? []).map((x) => (x === input.name ? half : x));
    return node('Cast', [input.name!], [half], fresh(`${input.name}_to_fp16`), [{ name: 'to', type: AttributeKind.INT, i: ElementType.float16 }]);
  });
  // Float outputs: computed as float16 under another name, cast back to float32 under the output's name.
  const exit = graph.output.filter(isFloat).map((output) => {
    const half = fresh(`${output.name}_fp16`);
    for (const n of graph.node) n.output = (n.output ?? []).map((x) => (x === output.name ? half : x));
    for (const n of graph.node) n.input = (n.input ?? []).map((x) => (x === output.name ? half : x));
    for (const v of graph.value_info) if (v.name === output.name) v.name = half;
    return node('Cast', [half], [output.name!], fresh(`${output.name}_to_fp32`), [{ name: 'to', type: AttributeKind.INT, i: ElementType.float }]);
  });
  graph.node = [...entry, ...graph.node, ...exit];
  model.producer_name = `${model.producer_name ?? ''}+xlir-fp16`;
  return encodeModelMessage(model);
}
