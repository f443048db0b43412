import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { externalDataFile, MODEL_FOLDER_FILES } from './model-folder.ts';

// Keyed by paths, sizes and modification times: a file rewritten in place is hashed again.
const hashCache = new Map<string, string>();

/** sha256 (hex) of files read one after the other, streamed (model files can be a gigabyte) and cached for the process. */
async function sha256Files(files: readonly string[]): Promise<string> {
  const stats = await Promise.all(files.map((f) => stat(f)));
  const key = files.map((f, i) => `${path.resolve(f)}\0${stats[i].size}\0${stats[i].mtimeMs}`).join('\0');
  const cached = hashCache.get(key);
  if (cached !== undefined) return cached;
  const hash = createHash('sha256');
  for (const file of files) for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  const digest = hash.digest('hex');
  hashCache.set(key, digest);
  return digest;
}

/** sha256 (hex) of one file. */
export function sha256File(file: string): Promise<string> {
  return sha256Files([file]);
}

/**
 * sha256 (hex) of an ONNX graph followed by its external-data file where it has one: the graph and
 * all its weights, so that two models with the same hash do the same work.
 */
export function sha256Model(graphFile: string): Promise<string> {
  return sha256Files([graphFile, externalDataFile(graphFile)].filter((f) => existsSync(f)));
}

/** sha256 (hex) of a model folder's tokenizer.json: with the graph's, it fixes the work a query costs. */
export async function sha256Tokenizer(dir: string): Promise<string> {
  return createHash('sha256').update(await readFile(path.join(dir, MODEL_FOLDER_FILES.tokenizer))).digest('hex');
}
