// Model folders for the A/A and A/B benches: byte-identical copies of the bundled baseline under
// new names (an A/A pair), and a copy whose graph does measurably more work (the A/B pair's
// "real slowdown"). Written to a temporary folder by the bench scripts; never part of the repo.
import { cp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { bundledModelsDir } from '../main/engine/models/model-locations.ts';
import { countFlops } from '../main/engine/roofline/flop-count.ts';
import { readOnnxModel } from '../main/engine/roofline/onnx-model.ts';

export const BASELINE_DIR = path.join(bundledModelsDir(), 'xlir-mini-baseline');

/** A copy of the bundled baseline at `root/name`, its manifest renamed (and given a checkpoint). */
async function copyAs(root: string, name: string, checkpoint: 'baseline' | 'hybrid'): Promise<string> {
  const dir = path.join(root, name);
  await cp(BASELINE_DIR, dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  await writeFile(manifestFile, JSON.stringify({ ...manifest, name, family: 'aa', checkpoint }, null, 2));
  return dir;
}

/** Two byte-identical graphs under different names: `aa-a` (baseline) and `aa-b` (hybrid). */
export async function aaPair(root: string): Promise<[string, string]> {
  return [await copyAs(root, 'aa-a', 'baseline'), await copyAs(root, 'aa-b', 'hybrid')];
}

/**
 * The baseline with a feed-forward block appended after its output: h + 0 · (W2 · relu(W1 · h)),
 * its width chosen so that the extra MatMuls add `extraFlops` of the graph's FLOPs at
 * `tokens` tokens. The manifest's output becomes the new sum, so every query pays for it.
 *
 * The extra nodes are appended as protobuf bytes: a second occurrence of ModelProto.graph merges
 * into the first (repeated fields concatenate), so the 6.6 MB of weights are never decoded.
 */
export async function slowerModel(root: string, options: { extraFlops: number; tokens: number }): Promise<{ dir: string; width: number }> {
  const dir = await copyAs(root, 'ab-slow', 'hybrid');
  const manifestFile = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  const modelFile = path.join(dir, 'model.onnx');
  const flops = countFlops(await readOnnxModel(modelFile), 1, options.tokens).total;
  const dim: number = manifest.dimension;
  // Two MatMuls of dim × width per token: 4 · dim · width FLOPs per token.
  const width = Math.max(1, Math.round((options.extraFlops * flops) / (4 * dim * options.tokens)));
  const output = `${manifest.output}_slow`;
  await writeFile(modelFile, Buffer.concat([await readFile(modelFile), graphExtension(manifest.output, output, dim, width)]));
  await writeFile(manifestFile, JSON.stringify({ ...manifest, output }, null, 2));
  return { dir, width };
}

function graphExtension(input: string, output: string, dim: number, width: number): Uint8Array {
  const root = protobuf.parse(readFileSync(new URL('../main/engine/roofline/onnx-subset.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  // Values within ±0.05: no overflow or denormals to make a kernel slower than its FLOPs.
  const weights = (rows: number, cols: number) => Float32Array.from({ length: rows * cols }, (_, i) => (((i * 7919) % 1000) / 1000 - 0.5) / 10);
  const tensor = (name: string, dims: number[], values: Float32Array) => ({ name, dims, data_type: 1, raw_data: new Uint8Array(values.buffer) });
  const node = (op_type: string, inputs: string[], out: string) => ({ op_type, input: inputs, output: [out], name: `slow_${out}` });
  const message = ModelProto.fromObject({
    graph: {
      node: [
        node('MatMul', [input, 'slow_w1'], 'slow_h1'),
        node('Relu', ['slow_h1'], 'slow_r1'),
        node('MatMul', ['slow_r1', 'slow_w2'], 'slow_h2'),
        node('Mul', ['slow_h2', 'slow_zero'], 'slow_h3'),
        node('Add', [input, 'slow_h3'], output),
      ],
      initializer: [tensor('slow_w1', [dim, width], weights(dim, width)), tensor('slow_w2', [width, dim], weights(width, dim)), tensor('slow_zero', [], new Float32Array([0]))],
      output: [{ name: output, type: { tensor_type: { elem_type: 1, shape: { dim: [{ dim_param: 'batch' }, { dim_param: 'sequence' }, { dim_value: dim }] } } } }],
    },
  });
  return ModelProto.encode(message).finish();
}
