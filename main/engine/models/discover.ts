import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelManifest } from './manifest.ts';
import { looksLikeModelFolder, modelFileBytes, openModelFolder, type FolderLayout } from './model-folder.ts';
import { folderVariants } from './variant-file.ts';

/** One folder found by `listModels`: what `xlir models` prints, or why the folder is broken. */
export type ModelListing =
  | {
      dir: string;
      ok: true;
      name: string;
      family: string;
      checkpoint: ModelManifest['checkpoint'];
      /** Null when only the graph states it (it is read when the model loads). */
      dimension: number | null;
      maxLength: number;
      /** Size of the graph file (with its external data, if any). */
      bytes: number;
      /** The folder's own variant files (XLIR Bench can derive int8 and fp16 besides). */
      variants: string[];
      /** Whose layout the folder follows; absent in listings made before it was recorded. */
      layout?: FolderLayout;
    }
  | { dir: string; ok: false; error: string };

/** A subfolder that holds nothing of a model, and so is not listed. */
export interface SkippedFolder {
  dir: string;
  reason: string;
}

async function describeFolder(dir: string): Promise<ModelListing> {
  try {
    const folder = await openModelFolder(dir);
    const size = await modelFileBytes(folder.graphFile);
    const k = folder.known;
    return {
      dir,
      ok: true,
      name: k.name!.value,
      family: k.family!.value,
      checkpoint: k.checkpoint!.value,
      dimension: k.dimension?.value ?? folder.modules?.dense.at(-1)?.outFeatures ?? folder.configHiddenSize ?? null,
      maxLength: k.maxLength!.value,
      bytes: size,
      variants: Object.keys(folderVariants(folder)),
      layout: folder.layout,
    };
  } catch (err) {
    return { dir, ok: false, error: (err as Error).message };
  }
}

/**
 * The model folders in `dirs`, each a dir that is itself a model folder or a folder of them: any
 * subfolder holding a manifest, a graph, a config or a tokenizer is listed — working, or with the
 * error that keeps it from loading. Other subfolders are skipped, with the reason. A dir that does
 * not exist is skipped silently (the default search folders need not exist). Nothing is hashed here:
 * model files can be a gigabyte.
 */
export async function scanModelFolders(dirs: readonly string[]): Promise<{ models: ModelListing[]; skipped: SkippedFolder[] }> {
  const folders: string[] = [];
  const skipped: SkippedFolder[] = [];
  for (const dir of dirs) {
    if (looksLikeModelFolder(dir)) {
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
      if (!entry.isDirectory()) continue;
      const folder = path.join(dir, entry.name);
      if (looksLikeModelFolder(folder)) folders.push(folder);
      else skipped.push({ dir: folder, reason: 'no manifest.json, model.onnx, onnx/model.onnx, config.json, modules.json or tokenizer.json' });
    }
  }
  return { models: await Promise.all(folders.map(describeFolder)), skipped };
}

/** The model folders in `dirs` (see `scanModelFolders`), without the skipped ones. */
export async function listModels(dirs: readonly string[]): Promise<ModelListing[]> {
  return (await scanModelFolders(dirs.filter((dir) => existsSync(dir)))).models;
}
