import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Candidate, Query } from '../datasets/retrieval-dataset.ts';
import { safeFileName } from '../safe-file-name.ts';
import { encodeNpyFloat32 } from './npy.ts';

export interface SavedEmbeddings {
  queries: Query[];
  candidates: Candidate[];
  queryEmbeddings: Float32Array;
  candidateEmbeddings: Float32Array;
  dimension: number;
}

/**
 * Writes `DIR/<model>/{queries,candidates}.npy` (float32, exactly as scored) and
 * `{queries,candidates}.json` (row i of the .npy is entry i of the .json), so our metrics can be
 * checked independently. `<model>` is the model's name made a safe folder name (a name of `..`
 * must not write beside DIR). Returns the folder written.
 */
export async function saveEmbeddings(dir: string, modelName: string, e: SavedEmbeddings): Promise<string> {
  const out = path.join(dir, safeFileName(modelName));
  await mkdir(out, { recursive: true });
  await Promise.all([
    writeFile(path.join(out, 'queries.npy'), encodeNpyFloat32(e.queryEmbeddings, e.queries.length, e.dimension)),
    writeFile(path.join(out, 'candidates.npy'), encodeNpyFloat32(e.candidateEmbeddings, e.candidates.length, e.dimension)),
    writeFile(path.join(out, 'queries.json'), JSON.stringify(e.queries.map((q) => ({ id: q.id, lang: q.lang, relevant: q.relevant })))),
    writeFile(path.join(out, 'candidates.json'), JSON.stringify(e.candidates.map((c) => ({ id: c.id, lang: c.lang })))),
  ]);
  return out;
}
