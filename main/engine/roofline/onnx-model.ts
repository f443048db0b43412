import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { XlirError } from '../errors.ts';

/**
 * ONNX models as plain objects, read and written with protobufjs and the vendored subset of
 * onnx.proto next to this file. Reading keeps the graph's structure and only the contents of small
 * tensors (shape constants, position-id buffers): FLOP counting needs those, never the weights, and
 * keeping no view into a 1 GB file lets it be freed at once.
 */

/** TensorProto.DataType codes the tool reads or writes. */
export const OnnxDataType = {
  float: 1,
  uint8: 2,
  int8: 3,
  uint16: 4,
  int16: 5,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  double: 11,
} as const;

/** The integer element types (bool aside): a value of one is computed exactly, and truncates when cast to it. */
export const INTEGER_DATA_TYPES: readonly number[] = [OnnxDataType.int64, OnnxDataType.int32, OnnxDataType.int16, OnnxDataType.uint16, OnnxDataType.int8, OnnxDataType.uint8];

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes; absent when not kept (large tensors, external data). */
  data?: Uint8Array;
}

export type OnnxAttribute =
  | { int: number }
  | { float: number }
  | { ints: number[] }
  | { floats: number[] }
  | { string: string }
  | { tensor: OnnxTensor }
  /** Graphs and other kinds the tool never reads. */
  | { other: string };

export interface OnnxNode {
  opType: string;
  /** '' for the default ONNX domain. */
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, OnnxAttribute>;
}

/** A dimension: a number, a symbolic name (`batch`), or null when the graph says nothing. */
export type OnnxDim = number | string | null;

export interface OnnxValueInfo {
  name: string;
  elemType: number | null;
  /** Null when the rank itself is unknown. */
  dims: OnnxDim[] | null;
}

export interface OnnxModel {
  irVersion: number;
  /** Opset of the default domain ('' / 'ai.onnx'). */
  opset: number;
  producer: string;
  nodes: OnnxNode[];
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}

/** Tensors with more elements than this keep no data when read: shape constants are far smaller. */
export const KEPT_TENSOR_ELEMENTS = 4096;

const schema = protobuf.parse(readFileSync(new URL('./onnx-subset.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
const ModelProto = schema.lookupType('onnx.ModelProto');
const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;
const EXTERNAL = 1;

type Int64 = number | { toNumber(): number };
const toNumber = (v: Int64 | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

interface TensorMessage {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  int64_data?: Int64[];
  double_data?: number[];
  name?: string;
  raw_data?: Uint8Array;
  data_location?: number;
}
interface AttributeMessage { name?: string; type?: number; f?: number; i?: Int64; s?: Uint8Array; t?: TensorMessage; floats?: number[]; ints?: Int64[] }
interface NodeMessage { input?: string[]; output?: string[]; name?: string; op_type?: string; domain?: string; attribute?: AttributeMessage[] }
interface DimMessage { dim_value?: Int64 | null; dim_param?: string | null }
interface ValueInfoMessage { name?: string; type?: { tensor_type?: { elem_type?: number; shape?: { dim?: DimMessage[] } | null } | null } | null }
interface ModelMessage {
  ir_version?: Int64;
  producer_name?: string;
  opset_import?: { domain?: string; version?: Int64 }[];
  graph?: { node?: NodeMessage[]; initializer?: TensorMessage[]; input?: ValueInfoMessage[]; output?: ValueInfoMessage[]; value_info?: ValueInfoMessage[] } | null;
}

const ELEMENT_BYTES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8 };

/** Bytes per element of a TensorProto.DataType the tool knows; undefined for others. */
export function elementBytes(dataType: number): number | undefined {
  return ELEMENT_BYTES[dataType];
}

function tensorFromMessage(t: TensorMessage): OnnxTensor {
  const dims = (t.dims ?? []).map(toNumber);
  const tensor: OnnxTensor = { name: t.name ?? '', dataType: t.data_type ?? 0, dims };
  const elements = dims.reduce((a, b) => a * b, 1);
  if (t.data_location === EXTERNAL || elements > KEPT_TENSOR_ELEMENTS) return tensor;
  const data = typedFieldBytes(t, elements);
  // A copy, never a view: a view would keep the whole model file in memory.
  if (data) tensor.data = data.slice();
  return tensor;
}

/** The element bytes from raw_data or from the typed repeated fields ONNX also allows. */
function typedFieldBytes(t: TensorMessage, elements: number): Uint8Array | undefined {
  if (t.raw_data && t.raw_data.length > 0) return t.raw_data;
  const type = t.data_type ?? 0;
  if (elements === 0) return new Uint8Array(0);
  if (type === OnnxDataType.float && t.float_data?.length) return new Uint8Array(Float32Array.from(t.float_data).buffer);
  if (type === OnnxDataType.double && t.double_data?.length) return new Uint8Array(Float64Array.from(t.double_data).buffer);
  if (type === OnnxDataType.int64 && t.int64_data?.length) return new Uint8Array(BigInt64Array.from(t.int64_data, (v) => BigInt(toNumber(v))).buffer);
  if (t.int32_data?.length) {
    // int32_data carries int32, and also the narrower integer and bool types, one per element.
    if (type === OnnxDataType.int32) return new Uint8Array(Int32Array.from(t.int32_data).buffer);
    if (type === OnnxDataType.int8) return new Uint8Array(Int8Array.from(t.int32_data).buffer);
    if (type === OnnxDataType.uint8 || type === OnnxDataType.bool) return Uint8Array.from(t.int32_data);
    if (type === OnnxDataType.int16) return new Uint8Array(Int16Array.from(t.int32_data).buffer);
    if (type === OnnxDataType.uint16 || type === OnnxDataType.float16) return new Uint8Array(Uint16Array.from(t.int32_data).buffer);
  }
  return undefined;
}

function attributeFromMessage(a: AttributeMessage): OnnxAttribute {
  switch (a.type) {
    case ATTRIBUTE_TYPE.FLOAT: return { float: a.f ?? 0 };
    case ATTRIBUTE_TYPE.INT: return { int: toNumber(a.i) };
    case ATTRIBUTE_TYPE.STRING: return { string: Buffer.from(a.s ?? new Uint8Array()).toString('utf8') };
    case ATTRIBUTE_TYPE.TENSOR: return { tensor: tensorFromMessage(a.t ?? {}) };
    case ATTRIBUTE_TYPE.FLOATS: return { floats: [...(a.floats ?? [])] };
    case ATTRIBUTE_TYPE.INTS: return { ints: (a.ints ?? []).map(toNumber) };
    default: return { other: String(a.type ?? 'undefined') };
  }
}

function valueInfoFromMessage(v: ValueInfoMessage): OnnxValueInfo {
  const tensor = v.type?.tensor_type;
  const shape = tensor?.shape;
  return {
    name: v.name ?? '',
    elemType: tensor?.elem_type ?? null,
    // Unset fields read as defaults from the message prototype: only own properties were in the file.
    dims: shape ? (shape.dim ?? []).map((d) => (Object.hasOwn(d, 'dim_value') ? toNumber(d.dim_value) : Object.hasOwn(d, 'dim_param') ? (d.dim_param ?? null) : null)) : null,
  };
}

/** Decodes ONNX model bytes; `source` names them in errors. */
export function decodeOnnxModel(bytes: Uint8Array, source = 'ONNX model'): OnnxModel {
  let message: ModelMessage;
  try {
    message = ModelProto.decode(bytes) as unknown as ModelMessage;
  } catch (err) {
    throw new XlirError('MODEL_INVALID', `${source} is not a readable ONNX model: ${(err as Error).message}`, { cause: err });
  }
  const graph = message.graph;
  if (!graph) throw new XlirError('MODEL_INVALID', `${source} holds no graph: it is not an ONNX model.`);
  const defaultDomain = (message.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  return {
    irVersion: toNumber(message.ir_version),
    opset: toNumber(defaultDomain?.version),
    producer: message.producer_name ?? '',
    nodes: (graph.node ?? []).map((n) => ({
      opType: n.op_type ?? '',
      domain: n.domain ?? '',
      name: n.name ?? '',
      inputs: [...(n.input ?? [])],
      outputs: [...(n.output ?? [])],
      attributes: Object.fromEntries((n.attribute ?? []).map((a) => [a.name ?? '', attributeFromMessage(a)])),
    })),
    initializers: (graph.initializer ?? []).map(tensorFromMessage),
    inputs: (graph.input ?? []).map(valueInfoFromMessage),
    outputs: (graph.output ?? []).map(valueInfoFromMessage),
    valueInfo: (graph.value_info ?? []).map(valueInfoFromMessage),
  };
}

/** Reads and decodes an ONNX file (a single protobuf is below 2 GiB, which readFile allows). */
export async function readOnnxModel(file: string): Promise<OnnxModel> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new XlirError('MODEL_FILE_MISSING', `${file} could not be read: ${(err as Error).message}`, { cause: err });
  }
  return decodeOnnxModel(bytes, file);
}

function tensorToMessage(t: OnnxTensor): object {
  return { name: t.name, data_type: t.dataType, dims: t.dims, ...(t.data && { raw_data: t.data }) };
}

function attributeToMessage(name: string, a: OnnxAttribute): object {
  if ('int' in a) return { name, type: ATTRIBUTE_TYPE.INT, i: a.int };
  if ('float' in a) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: a.float };
  if ('ints' in a) return { name, type: ATTRIBUTE_TYPE.INTS, ints: a.ints };
  if ('floats' in a) return { name, type: ATTRIBUTE_TYPE.FLOATS, floats: a.floats };
  if ('string' in a) return { name, type: ATTRIBUTE_TYPE.STRING, s: Buffer.from(a.string, 'utf8') };
  if ('tensor' in a) return { name, type: ATTRIBUTE_TYPE.TENSOR, t: tensorToMessage(a.tensor) };
  throw new Error(`attribute ${name} cannot be written: kind ${a.other}`);
}

function valueInfoToMessage(v: OnnxValueInfo): object {
  const shape = v.dims && { dim: v.dims.map((d) => (typeof d === 'number' ? { dim_value: d } : typeof d === 'string' ? { dim_param: d } : {})) };
  return { name: v.name, type: { tensor_type: { ...(v.elemType !== null && { elem_type: v.elemType }), ...(shape && { shape }) } } };
}

/** Encodes a model (tests, and the MatMul graphs of the peak measurement) as ONNX bytes ORT can load. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const message = ModelProto.fromObject({
    ir_version: model.irVersion,
    producer_name: model.producer,
    opset_import: [{ domain: '', version: model.opset }],
    graph: {
      name: 'graph',
      node: model.nodes.map((n) => ({
        input: n.inputs,
        output: n.outputs,
        name: n.name,
        op_type: n.opType,
        domain: n.domain,
        attribute: Object.entries(n.attributes).map(([name, a]) => attributeToMessage(name, a)),
      })),
      initializer: model.initializers.map(tensorToMessage),
      input: model.inputs.map(valueInfoToMessage),
      output: model.outputs.map(valueInfoToMessage),
      value_info: model.valueInfo.map(valueInfoToMessage),
    },
  });
  return ModelProto.encode(message).finish();
}

/** A tensor's elements as numbers (int64 through Number: shape values are far below 2^53); null without data. */
export function tensorValues(t: OnnxTensor): number[] | null {
  const { data } = t;
  if (!data) return null;
  const size = ELEMENT_BYTES[t.dataType];
  if (!size || data.length % size !== 0) return null;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const n = data.length / size;
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const at = i * size;
    switch (t.dataType) {
      case OnnxDataType.float: out[i] = view.getFloat32(at, true); break;
      case OnnxDataType.double: out[i] = view.getFloat64(at, true); break;
      case OnnxDataType.int64: out[i] = Number(view.getBigInt64(at, true)); break;
      case OnnxDataType.int32: out[i] = view.getInt32(at, true); break;
      case OnnxDataType.int16: out[i] = view.getInt16(at, true); break;
      case OnnxDataType.uint16: out[i] = view.getUint16(at, true); break;
      case OnnxDataType.int8: out[i] = view.getInt8(at); break;
      case OnnxDataType.uint8:
      case OnnxDataType.bool: out[i] = view.getUint8(at); break;
      case OnnxDataType.float16: out[i] = halfToNumber(view.getUint16(at, true)); break;
      default: return null;
    }
  }
  return out;
}

/** IEEE 754 binary16 bits → number. */
export function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
