import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import protobuf from 'protobufjs';
import { externalDataFile } from '../models/model-folder.ts';
import { encodeOnnxModel, OnnxDataType, type OnnxModel } from '../roofline/onnx-model.ts';

/**
 * Writes an ONNX model whose float32 weights are produced chunk by chunk, straight to disk: a 1 GB
 * model never sits in memory as one protobuf message. The graph (nodes, inputs, outputs) is
 * encoded by onnx-model.ts; the initializers are framed here by hand (protobuf fields may come in
 * any order, and repeated fields concatenate), each followed by its streamed bytes.
 *
 * A model over protobuf's 2 GiB limit keeps its large tensors in the external-data file beside it
 * (model-folder.ts's externalDataFile) (ONNX's external data, `location`/`offset`/`length`, offsets
 * 64 KiB-aligned so ONNX Runtime can map them), as exporters do for models that size.
 */

export interface StreamedTensor {
  name: string;
  dims: number[];
  /** Fills the next chunk of the tensor's float32 elements, in order. */
  fill: (chunk: Float32Array) => void;
}

export interface WriteOnnxOptions {
  /** Told after each chunk: bytes of weights written so far, and in all. */
  onProgress?: (done: number, total: number) => void;
  /** Weights above this many bytes go to external data; default INLINE_LIMIT_BYTES (tests lower it). */
  inlineLimitBytes?: number;
}

/** protobuf's limit is 2 GiB for the whole file: weights above this go to external data. */
export const INLINE_LIMIT_BYTES = 2_000_000_000;
/** Tensors smaller than this stay inline even in a model with external data (ONNX's default threshold). */
const EXTERNAL_MIN_BYTES = 1024;
const EXTERNAL_ALIGNMENT = 65_536;
const CHUNK_ELEMENTS = 1 << 22;

// Field tags: (field number << 3) | wire type; 0 varint, 2 length-delimited.
const MODEL_GRAPH = (7 << 3) | 2;
const GRAPH_INITIALIZER = (5 << 3) | 2;
const TENSOR = { dims: (1 << 3) | 0, dataType: (2 << 3) | 0, name: (8 << 3) | 2, rawData: (9 << 3) | 2, externalData: (13 << 3) | 2, dataLocation: (14 << 3) | 0 };
const ENTRY = { key: (1 << 3) | 2, value: (2 << 3) | 2 };
const EXTERNAL = 1;

const elementCount = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

interface Placement {
  tensor: StreamedTensor;
  bytes: number;
  /** Offset in the external-data file; undefined when inline. */
  offset?: number;
}

/** The TensorProto fields before the data: dims, type, name, and raw_data's key and length (or the external location). */
function tensorHeader(p: Placement, dataFile: string): Uint8Array {
  const w = protobuf.Writer.create();
  for (const d of p.tensor.dims) w.uint32(TENSOR.dims).int64(d);
  w.uint32(TENSOR.dataType).int32(OnnxDataType.float);
  w.uint32(TENSOR.name).string(p.tensor.name);
  if (p.offset === undefined) {
    w.uint32(TENSOR.rawData).uint32(p.bytes);
  } else {
    for (const [key, value] of [['location', dataFile], ['offset', String(p.offset)], ['length', String(p.bytes)]]) {
      w.uint32(TENSOR.externalData).fork().uint32(ENTRY.key).string(key).uint32(ENTRY.value).string(value).ldelim();
    }
    w.uint32(TENSOR.dataLocation).int32(EXTERNAL);
  }
  return w.finish();
}

function varintField(tag: number, length: number): Uint8Array {
  return protobuf.Writer.create().uint32(tag).uint32(length).finish();
}

/** Splits encoded ModelProto bytes into its other fields and the content of its graph field. */
function splitGraph(model: Uint8Array): { others: Uint8Array[]; graph: Uint8Array } {
  const reader = protobuf.Reader.create(model);
  const others: Uint8Array[] = [];
  let graph: Uint8Array | undefined;
  while (reader.pos < reader.len) {
    const start = reader.pos;
    const tag = reader.uint32();
    if (tag === MODEL_GRAPH) graph = reader.bytes();
    else {
      reader.skipType(tag & 7);
      others.push(model.subarray(start, reader.pos));
    }
  }
  if (!graph) throw new Error('encoded model has no graph');
  return { others, graph };
}

async function writeChunks(handle: FileHandle, p: Placement, progress: () => void, advance: (bytes: number) => void): Promise<void> {
  const total = elementCount(p.tensor.dims);
  const buffer = new Float32Array(Math.min(CHUNK_ELEMENTS, total));
  for (let done = 0; done < total; done += buffer.length) {
    const chunk = buffer.subarray(0, Math.min(buffer.length, total - done));
    p.tensor.fill(chunk);
    await handle.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    advance(chunk.byteLength);
    progress();
  }
}

/**
 * Writes `file` (and `file` + `_data` when the weights exceed the inline limit); `graph` holds
 * everything but the initializers, which come from `tensors` in order. Returns the files written.
 */
export async function writeOnnxFile(file: string, graph: Omit<OnnxModel, 'initializers'>, tensors: readonly StreamedTensor[], options: WriteOnnxOptions = {}): Promise<string[]> {
  const totalBytes = tensors.reduce((sum, t) => sum + elementCount(t.dims) * 4, 0);
  const external = totalBytes > (options.inlineLimitBytes ?? INLINE_LIMIT_BYTES);
  const dataPath = externalDataFile(file);
  const dataFile = path.basename(dataPath);
  let dataEnd = 0;
  const placements: Placement[] = tensors.map((tensor) => {
    const bytes = elementCount(tensor.dims) * 4;
    if (!external || bytes < EXTERNAL_MIN_BYTES) return { tensor, bytes };
    const offset = Math.ceil(dataEnd / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
    dataEnd = offset + bytes;
    return { tensor, bytes, offset };
  });
  const headers = placements.map((p) => tensorHeader(p, dataFile));
  const { others, graph: graphBody } = splitGraph(encodeOnnxModel({ ...graph, initializers: [] }));
  // Each initializer field: its key, its length, the header, then (inline) the data.
  const initializerFields = placements.map((p, i) => {
    const length = headers[i].length + (p.offset === undefined ? p.bytes : 0);
    return { key: varintField(GRAPH_INITIALIZER, length), length };
  });
  const graphLength = graphBody.length + initializerFields.reduce((sum, f) => sum + f.key.length + f.length, 0);

  let written = 0;
  const progress = () => options.onProgress?.(written, totalBytes);
  const advance = (bytes: number) => (written += bytes);
  const model = await open(file, 'w');
  const data = external ? await open(dataPath, 'w') : undefined;
  try {
    for (const part of [...others, varintField(MODEL_GRAPH, graphLength), graphBody]) await model.write(part);
    let dataAt = 0;
    for (const [i, p] of placements.entries()) {
      await model.write(initializerFields[i].key);
      await model.write(headers[i]);
      if (p.offset === undefined) {
        await writeChunks(model, p, progress, advance);
        continue;
      }
      if (p.offset > dataAt) await data!.write(new Uint8Array(p.offset - dataAt));
      await writeChunks(data!, p, progress, advance);
      dataAt = p.offset + p.bytes;
    }
  } finally {
    await model.close();
    await data?.close();
  }
  return external ? [file, dataPath] : [file];
}
