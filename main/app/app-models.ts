import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AppModelListing, ModelSource } from '../contract/app-api.ts';
import { XlirError } from '../engine/errors.ts';
import { listModels } from '../engine/models/discover.ts';
import { looksLikeModelFolder } from '../engine/models/model-folder.ts';
import { bundledModelsDir, resolveModelArgument, userModelsDir } from '../engine/models/model-locations.ts';

/** The folders the app looks in, in `xlir models`' order: bundled, the replica folder, then the user's. */
function modelFolders(userFolders: readonly string[], env: NodeJS.ProcessEnv): { dir: string; source: ModelSource }[] {
  return [{ dir: bundledModelsDir(), source: 'bundled' }, { dir: userModelsDir(env), source: 'replica' }, ...userFolders.map((dir) => ({ dir, source: 'user' as const }))];
}

/** Every model folder found, each once (where folders overlap, the first source names it). */
export async function listAppModels(userFolders: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<AppModelListing[]> {
  const seen = new Set<string>();
  const listings: AppModelListing[] = [];
  for (const { dir, source } of modelFolders(userFolders, env)) {
    for (const model of await listModels([dir])) {
      const key = path.resolve(model.dir);
      if (seen.has(key)) continue;
      seen.add(key);
      listings.push({ ...model, source });
    }
  }
  return listings;
}

/** A folder the user wants to add: it must be, or hold, at least one usable model folder. */
export async function checkModelFolder(folder: string): Promise<string> {
  const dir = path.resolve(folder);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new XlirError('MODEL_FOLDER_NOT_FOUND', `${dir} is not a folder: choose the folder of a model (model.onnx or onnx/model.onnx with tokenizer.json: an Optimum, transformers.js or sentence-transformers export, or an XLIR Bench model folder) or one that holds model folders.`);
  const found = await listModels([dir]);
  if (found.length === 0) throw new XlirError('MODEL_FOLDER_EMPTY', `${dir} holds no model: a model folder has model.onnx or onnx/model.onnx and tokenizer.json (or the folder holds such folders).`);
  if (!found.some((m) => m.ok)) throw new XlirError('MODEL_FOLDER_BROKEN', `${dir} holds no usable model: ${found.map((m) => (m.ok ? '' : `${m.dir}: ${m.error}`)).join('; ')}`);
  return dir;
}

/** Run models as the UI gives them (folders, or names from the listing) → folders; unknown ones are an error before anything runs. */
export function resolveRunModels(models: readonly string[], userFolders: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
  const searchDirs = modelFolders(userFolders, env).map((f) => f.dir);
  return models.map((value) => {
    const dir = resolveModelArgument(value, searchDirs);
    if (!dir || !looksLikeModelFolder(dir)) throw new XlirError('MODEL_NOT_FOUND', `Model "${value}": no such model folder, and no model of that name in ${searchDirs.join(', ')}. Choose one from the model list, or add its folder.`);
    return dir;
  });
}
