import { readFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { XlirError } from '../errors.ts';

/**
 * ONNX models as protobuf messages, for rewriting a graph without losing anything of it. Unlike
 * `roofline/onnx-model.ts` (which reads structure and drops weights), decoding here keeps every
 * tensor's bytes and every field the vendored proto subset does not name (doc strings, metadata,
 * subgraphs, sparse initializers): protobufjs keeps them as raw `$unknowns` and writes them back
 * unchanged, so a rewrite changes exactly the nodes and tensors it touches.
 */

const root = protobuf.parse(readFileSync(new URL('../roofline/onnx-subset.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
const ModelProto = root.lookupType('onnx.ModelProto');

/** Element types (TensorProto.DataType) the rewrites use. */
export const ElementType = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 } as const;
export const AttributeKind = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7, GRAPHS: 10 } as const;

type Int64 = number | { toNumber(): number };
export const int64 = (v: Int64 | null | undefined): number => (v === null || v === undefined ? 0 : typeof v === 'number' ? v : v.toNumber());

export interface TensorMessage {
  dims?: Int64[];
  data_type?: number;
  float_data?: number[];
  int32_data?: number[];
  name?: string;
  raw_data?: Uint8Array;
  data_location?: number;
}
export interface AttributeMessage { name?: string; type?: number; f?: number; i?: Int64; t?: TensorMessage; ints?: Int64[]; floats?: number[] }
export interface NodeMessage { input?: string[]; output?: string[]; name?: string; op_type?: string; domain?: string; attribute?: AttributeMessage[] }
export interface ValueInfoMessage { name?: string; type?: { tensor_type?: { elem_type?: number } | null } | null }
export interface GraphMessage {
  node: NodeMessage[];
  initializer: TensorMessage[];
  input: ValueInfoMessage[];
  output: ValueInfoMessage[];
  value_info: ValueInfoMessage[];
}
export interface ModelMessage {
  opset_import?: { domain?: string; version?: Int64 }[];
  producer_name?: string;
  graph?: GraphMessage | null;
}

/** Decodes ONNX bytes keeping every field; `source` names the file in errors. */
export function decodeModelMessage(bytes: Uint8Array, source: string): ModelMessage & { graph: GraphMessage } {
  const reader = protobuf.Reader.create(bytes);
  reader.discardUnknown = false;
  let message: ModelMessage;
  try {
    message = ModelProto.decode(reader) as unknown as ModelMessage;
  } catch (err) {
    throw new XlirError('MODEL_INVALID', `${source} is not a readable ONNX model: ${(err as Error).message}`, { cause: err });
  }
  if (!message.graph) throw new XlirError('MODEL_INVALID', `${source} holds no graph: it is not an ONNX model.`);
  return message as ModelMessage & { graph: GraphMessage };
}

export function encodeModelMessage(message: ModelMessage): Uint8Array {
  return ModelProto.encode(message as protobuf.Message).finish();
}

/** The default domain's opset (`''` or `ai.onnx`). */
export function defaultOpset(message: ModelMessage): number {
  return int64((message.opset_import ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version);
}

/** A float32 tensor's values, from raw_data or float_data; null for other types and external data. */
export function floatValues(t: TensorMessage): Float32Array | null {
  if (t.data_type !== ElementType.float || t.data_location === 1) return null;
  if (t.raw_data && t.raw_data.length > 0) {
    // A copy: raw_data is a view into the file (Buffer.slice copies nothing), not necessarily 4-byte aligned.
    const values = new Float32Array(t.raw_data.length / 4);
    new Uint8Array(values.buffer).set(t.raw_data);
    return values;
  }
  return Float32Array.from(t.float_data ?? []);
}

export function tensorMessage(name: string, dataType: number, dims: readonly number[], data: ArrayBufferView): TensorMessage {
  return { name, data_type: dataType, dims: [...dims], raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function node(opType: string, inputs: string[], outputs: string[], name: string, attribute: AttributeMessage[] = []): NodeMessage {
  return { op_type: opType, domain: '', input: inputs, output: outputs, name, attribute };
}
