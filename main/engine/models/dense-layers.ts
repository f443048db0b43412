import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { halfToNumber } from '../roofline/onnx-model.ts';
import type { DenseLayer } from './manifest.ts';

/** A Dense layer with its weights: `weight` row-major [outFeatures, inFeatures] as torch.nn.Linear stores it. */
export interface LoadedDense {
  layer: DenseLayer;
  weight: Float32Array;
  biasValues: Float32Array | null;
}

const SafetensorsHeaderSchema = z.record(
  z.string(),
  z.union([z.object({ dtype: z.string(), shape: z.array(z.number().int().nonnegative()), data_offsets: z.tuple([z.number().int(), z.number().int()]) }), z.record(z.string(), z.string())]),
);

/**
 * The tensors of a `.safetensors` file as float32 (F32, F16 and BF16 are read): an 8-byte
 * little-endian header length, a JSON header `{name: {dtype, shape, data_offsets}}`, then the data.
 */
export function readSafetensors(bytes: Uint8Array, file: string): Map<string, { shape: number[]; values: Float32Array }> {
  const fail = (why: string): never => {
    throw new XlirError('MODEL_INVALID', `${file} is not a readable safetensors file: ${why}`);
  };
  if (bytes.length < 8) fail('shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (8 + headerLength > bytes.length) fail(`its header claims ${headerLength} bytes`);
  let header: z.infer<typeof SafetensorsHeaderSchema>;
  try {
    header = SafetensorsHeaderSchema.parse(JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))));
  } catch (err) {
    return fail(`bad header (${(err as Error).message.split('\n')[0]})`);
  }
  const data = 8 + headerLength;
  const tensors = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__' || !('dtype' in entry) || typeof entry.dtype !== 'string') continue;
    const { dtype, shape, data_offsets: [begin, end] } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const count = shape.reduce((a, b) => a * b, 1);
    const size = { F32: 4, F16: 2, BF16: 2 }[dtype];
    if (size === undefined) fail(`tensor "${name}" is ${dtype}; F32, F16 or BF16 expected`);
    if (end - begin !== count * size! || data + end > bytes.length) fail(`tensor "${name}" does not fit its data_offsets`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      const at = data + begin + i * size!;
      values[i] = dtype === 'F32' ? view.getFloat32(at, true) : dtype === 'F16' ? halfToNumber(view.getUint16(at, true)) : new Float32Array(new Uint32Array([view.getUint16(at, true) << 16]).buffer)[0];
    }
    tensors.set(name, { shape, values });
  }
  return tensors;
}

/** Reads each layer's weights from `<dir>/<layer.path>/model.safetensors`; a torch pickle is refused with the way out. */
export async function loadDenseLayers(dir: string, layers: readonly DenseLayer[]): Promise<LoadedDense[]> {
  const loaded: LoadedDense[] = [];
  for (const layer of layers) {
    const folder = path.join(dir, layer.path);
    const file = path.join(folder, 'model.safetensors');
    if (!existsSync(file)) {
      const pickle = path.join(folder, 'pytorch_model.bin');
      throw new XlirError(
        'MODEL_FILE_MISSING',
        existsSync(pickle)
          ? `${pickle} is a torch pickle, which this tool does not unpickle (it can run code). Convert it once: python -c "import torch, safetensors.torch as s; s.save_file(torch.load('${pickle}'), '${file}')", or save the model again with sentence-transformers ≥ 2.3 (it writes model.safetensors).`
          : `${file} not found: the Dense layer "${layer.path}" needs its weights.`,
      );
    }
    const tensors = readSafetensors(await readFile(file), file);
    const weight = tensors.get('linear.weight');
    const bias = tensors.get('linear.bias');
    if (!weight || weight.shape.length !== 2 || weight.shape[0] !== layer.outFeatures || weight.shape[1] !== layer.inFeatures) {
      throw new XlirError('MODEL_INVALID', `${file}: linear.weight should be [${layer.outFeatures}, ${layer.inFeatures}] (out_features, in_features of its config.json), found ${weight ? `[${weight.shape.join(', ')}]` : 'none'}.`);
    }
    if (layer.bias && (!bias || bias.values.length !== layer.outFeatures)) {
      throw new XlirError('MODEL_INVALID', `${file}: linear.bias should hold ${layer.outFeatures} values (its config.json says bias: true), found ${bias ? bias.values.length : 'none'}.`);
    }
    loaded.push({ layer, weight: weight.values, biasValues: layer.bias ? bias!.values : null });
  }
  return loaded;
}

/** `rows` ([batch, inFeatures]) through the layers: activation(W·x + b) per row, accumulated in double precision. */
export function applyDenseLayers(rows: Float32Array, batch: number, layers: readonly LoadedDense[]): Float32Array {
  let current = rows;
  for (const { layer, weight, biasValues: bias } of layers) {
    const { inFeatures, outFeatures } = layer;
    const out = new Float32Array(batch * outFeatures);
    for (let b = 0; b < batch; b++) {
      const x = b * inFeatures;
      for (let o = 0; o < outFeatures; o++) {
        let sum = bias ? bias[o] : 0;
        const w = o * inFeatures;
        for (let i = 0; i < inFeatures; i++) sum += weight[w + i] * current[x + i];
        out[b * outFeatures + o] = layer.activation === 'tanh' ? Math.tanh(sum) : sum;
      }
    }
    current = out;
  }
  return current;
}
