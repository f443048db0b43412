import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelManifest } from './manifest.ts';
import { externalDataFile, MODEL_FOLDER_FILES, modelFileBytes, modelFilePath, readManifest, requireFile } from './model-folder.ts';

/** One folder found by `listModels`: what `xlir models` prints, or why the folder is broken. */
export type ModelListing =
  | {
      dir: string;
      ok: true;
      name: string;
      family: string;
      checkpoint: ModelManifest['checkpoint'];
      dimension: number;
      maxLength: number;
      /** Size of model.onnx (with its external data, if any). */
      bytes: number;
      variants: string[];
    }
  | { dir: string; ok: false; error: string };

async function describeFolder(dir: string): Promise<ModelListing> {
  try {
    const manifest = await readManifest(dir);
    const modelFile = modelFilePath(dir, manifest);
    requireFile(modelFile, 'the ONNX graph model.onnx');
    requireFile(path.join(dir, MODEL_FOLDER_FILES.tokenizer), 'tokenizer.json');
    const size = await modelFileBytes(modelFile);
    const { name, family, checkpoint, dimension, maxLength } = manifest;
    return { dir, ok: true, name, family, checkpoint, dimension, maxLength, bytes: size, variants: Object.keys(manifest.variants ?? {}) };
  } catch (err) {
    return { dir, ok: false, error: (err as Error).message };
  }
}

/**
 * The model folders in `dirs`: each subfolder holding a manifest.json, or a dir that is itself
 * one. A broken folder is listed with its error rather than failing the listing; a dir that
 * does not exist is skipped (the default search folders need not exist). Nothing is hashed here:
 * model files can be a gigabyte, so `hashModelFile` is a separate, cached step.
 */
export async function listModels(dirs: readonly string[]): Promise<ModelListing[]> {
  const folders: string[] = [];
  for (const dir of dirs) {
    if (existsSync(path.join(dir, MODEL_FOLDER_FILES.manifest))) {
      folders.push(dir);
      continue;
    }
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const folder = path.join(dir, entry.name);
      if (entry.isDirectory() && existsSync(path.join(folder, MODEL_FOLDER_FILES.manifest))) folders.push(folder);
    }
  }
  return Promise.all(folders.map(describeFolder));
}

// Keyed by path, size and modification time: a file rewritten in place is hashed again.
const hashCache = new Map<string, string>();

/**
 * sha256 (hex) of a model folder's ONNX file (`model.onnx`, or a variant's) followed by its
 * external-data file where it has one: the graph and all its weights. Streamed and cached.
 */
export async function hashModelFile(dir: string, variant?: string): Promise<string> {
  const file = modelFilePath(dir, await readManifest(dir), variant);
  requireFile(file, variant === undefined ? 'the ONNX graph model.onnx' : `the file of variant "${variant}"`);
  const files = [file, externalDataFile(file)].filter((f) => existsSync(f));
  const stats = await Promise.all(files.map((f) => stat(f)));
  const key = files.map((f, i) => `${path.resolve(f)}\0${stats[i].size}\0${stats[i].mtimeMs}`).join('\0');
  const cached = hashCache.get(key);
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  for (const f of files) for await (const chunk of createReadStream(f)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  hashCache.set(key, digest);
  return digest;
}

/** sha256 (hex) of a model folder's tokenizer.json: with the graph's, it fixes the work a query costs. */
export async function hashTokenizerFile(dir: string): Promise<string> {
  return createHash('sha256').update(await readFile(path.join(dir, MODEL_FOLDER_FILES.tokenizer))).digest('hex');
}
