// Model folders for the A/A and A/B benches: byte-identical copies of the bench's baseline under
// new names (an A/A pair), and a copy whose graph does measurably more work (the A/B pair's
// "real slowdown"). Written to a temporary folder by the bench scripts; never part of the repo.
//
// The baseline is a transformer by default (bench-models.ts: the multilingual-e5-small replica,
// generated offline on first use), because the A/B pair's slowdown is a feed-forward of MatMuls
// sized from the graph's FLOPs: the bundled dictionary bridge (no MatMul, under a millisecond a
// query) would make both the slowdown and the A/A spread mostly harness, not graph. Any XLIR model
// folder (with manifest.json) can be given instead (--model).
//
// The copies hard-link the baseline's files where the file system allows (a replica's graph is
// 0.47 GB) and copy them otherwise; a copy's manifest.json and a slower copy's graph are written as
// new files, never in place, so the baseline itself is never modified.
import { copyFile, link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import protobuf from 'protobufjs';
import { MODEL_FOLDER_FILES, openModelFolder } from '../main/engine/models/model-folder.ts';
import { countFlops } from '../main/engine/roofline/flop-count.ts';
import { readOnnxModel, type OnnxDim } from '../main/engine/roofline/onnx-model.ts';
import { benchModelDir, benchReplicaDir } from './bench-models.ts';

/** The A/A and A/B benches' baseline: `--model`'s folder, else the bench replica (generated on first use). */
export async function aaBaseline(model: string | undefined): Promise<string> {
  const dir = await benchModelDir(model, () => benchReplicaDir());
  try {
    await stat(path.join(dir, MODEL_FOLDER_FILES.manifest));
  } catch {
    throw new Error(`${dir} has no manifest.json: the A/A and A/B benches rename copies of the model through it; pass an XLIR model folder`);
  }
  return dir;
}

/** `src`'s files at `dst`: hard links where possible, else copies (following symbolic links); manifest.json left out. */
async function linkTree(src: string, dst: string, top = true): Promise<void> {
  await mkdir(dst, { recursive: true });
  for (const entry of await readdir(src)) {
    if (top && entry === MODEL_FOLDER_FILES.manifest) continue;
    const from = path.join(src, entry);
    const to = path.join(dst, entry);
    const info = await stat(from);
    if (info.isDirectory()) await linkTree(from, to, false);
    else await link(from, to).catch(() => copyFile(from, to));
  }
}

/** A copy of `baseline` at `root/name`, its manifest renamed (and given a checkpoint). */
async function copyAs(root: string, baseline: string, name: string, checkpoint: 'baseline' | 'hybrid'): Promise<string> {
  const dir = path.join(root, name);
  await rm(dir, { recursive: true, force: true });
  await linkTree(baseline, dir);
  const manifest = JSON.parse(await readFile(path.join(baseline, MODEL_FOLDER_FILES.manifest), 'utf8'));
  await writeFile(path.join(dir, MODEL_FOLDER_FILES.manifest), JSON.stringify({ ...manifest, name, family: 'aa', checkpoint }, null, 2));
  return dir;
}

/** Two byte-identical graphs under different names: `aa-a` (baseline) and `aa-b` (hybrid). */
export async function aaPair(root: string, baseline: string): Promise<[string, string]> {
  return [await copyAs(root, baseline, 'aa-a', 'baseline'), await copyAs(root, baseline, 'aa-b', 'hybrid')];
}

export interface SlowerModel {
  dir: string;
  width: number;
  /** The extra MatMuls run once per token (`[batch, seq, dim]` output: pooling mean/cls/max) or once per query (`[batch, dim]`: pooling none). */
  per: 'token' | 'query';
}

/**
 * The baseline with a feed-forward block appended after its output: h + 0 · (W2 · relu(W1 · h)),
 * its width chosen so that the extra MatMuls add `extraFlops` of the graph's FLOPs at
 * `tokens` tokens. The manifest's output becomes the new sum, so every query pays for it. The
 * output's name, rank and width are read from the graph: `[batch, seq, dim]` (token states, pooled
 * by the engine) or `[batch, dim]` (a sentence vector, pooling none).
 *
 * The extra nodes are appended as protobuf bytes: a second occurrence of ModelProto.graph merges
 * into the first (repeated fields concatenate), so the graph's weights are never decoded again.
 */
export async function slowerModel(root: string, baseline: string, options: { extraFlops: number; tokens: number }): Promise<SlowerModel> {
  const dir = await copyAs(root, baseline, 'ab-slow', 'hybrid');
  const manifestFile = path.join(dir, MODEL_FOLDER_FILES.manifest);
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
  const modelFile = (await openModelFolder(dir)).graphFile;
  const model = await readOnnxModel(modelFile);
  const flops = countFlops(model, 1, options.tokens).total;
  if (!(flops > 0)) throw new Error(`${modelFile} counts no FLOPs at ${options.tokens} tokens: there is nothing to size a slowdown against; pass a transformer with --model`);
  const dims = model.outputs.find((o) => o.name === manifest.output)?.dims;
  const dim = dims?.at(-1);
  if (!dims || (dims.length !== 2 && dims.length !== 3) || typeof dim !== 'number') {
    throw new Error(`${modelFile}: output ${manifest.output} is ${dims ? `[${dims.join(', ')}]` : 'of unknown shape'}; the slower copy needs [batch, seq, dim] or [batch, dim] with a fixed dim`);
  }
  const per = dims.length === 3 ? 'token' : 'query';
  // Two MatMuls of dim × width per row: 4 · dim · width FLOPs per token (or per query).
  const rows = per === 'token' ? options.tokens : 1;
  const width = Math.max(1, Math.round((options.extraFlops * flops) / (4 * dim * rows)));
  const output = `${manifest.output}_slow`;
  const bytes = Buffer.concat([await readFile(modelFile), graphExtension(manifest.output, output, dims, width)]);
  // The graph may be a hard link to the baseline's: replace the link, never write through it.
  const partial = `${modelFile}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, modelFile);
  await writeFile(manifestFile, JSON.stringify({ ...manifest, output }, null, 2));
  return { dir, width, per };
}

function graphExtension(input: string, output: string, dims: OnnxDim[], width: number): Uint8Array {
  const root = protobuf.parse(readFileSync(new URL('../main/engine/roofline/onnx-subset.proto', import.meta.url), 'utf8'), { keepCase: true }).root;
  const ModelProto = root.lookupType('onnx.ModelProto');
  const dim = dims.at(-1) as number;
  // Values within ±0.05: no overflow or denormals to make a kernel slower than its FLOPs.
  const weights = (rows: number, cols: number) => Float32Array.from({ length: rows * cols }, (_, i) => (((i * 7919) % 1000) / 1000 - 0.5) / 10);
  const tensor = (name: string, shape: number[], values: Float32Array) => ({ name, dims: shape, data_type: 1, raw_data: new Uint8Array(values.buffer) });
  const node = (op_type: string, inputs: string[], out: string) => ({ op_type, input: inputs, output: [out], name: `slow_${out}` });
  const shapeDims = dims.map((d, i) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d ?? `slow_dim${i}` }));
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
      output: [{ name: output, type: { tensor_type: { elem_type: 1, shape: { dim: shapeDims } } } }],
    },
  });
  return ModelProto.encode(message).finish();
}
