import { existsSync } from 'node:fs';
import path from 'node:path';
import { XlirError } from '../errors.ts';
import { DERIVED_VARIANTS, derivedVariantFile, isDerivedVariantName, type DerivedVariant } from '../precision/derived-variants.ts';
import type { ModelFolder } from './model-folder.ts';

/** The ONNX file a session loads: the folder's graph, a variant file of the folder, or a variant XLIR Bench derived. */
export interface GraphFile {
  file: string;
  /** Absent for the folder's graph itself. */
  variant?: string;
  /** Set when XLIR Bench made the file from the folder's graph (no file of that name in the folder). */
  derived?: DerivedVariant;
}

/** The variants the folder holds (name → path relative to it). */
export function folderVariants(folder: ModelFolder): Record<string, string> {
  return folder.known.variants?.value ?? {};
}

/** Every variant name a run may ask for: the folder's own, then those XLIR Bench can derive that the folder lacks. */
export function variantChoices(folder: ModelFolder): { name: string; file: string | null }[] {
  const own = Object.entries(folderVariants(folder)).map(([name, file]) => ({ name, file }));
  const derivable = Object.keys(DERIVED_VARIANTS).filter((name) => !own.some((v) => v.name === name)).map((name) => ({ name, file: null }));
  return [...own, ...derivable];
}

/** Checks a variant name without making anything: VARIANT_UNKNOWN listing the choices when it is neither the folder's nor derivable. */
export function checkVariant(folder: ModelFolder, variant: string): void {
  if (variantChoices(folder).some((v) => v.name === variant)) return;
  const own = Object.keys(folderVariants(folder));
  throw new XlirError(
    'VARIANT_UNKNOWN',
    `Model ${folder.dir} has no variant "${variant}": ${own.length ? `the folder has ${own.join(', ')}` : 'the folder has no variant files'}, and XLIR Bench can make ${Object.keys(DERIVED_VARIANTS).join(' and ')} from its graph.`,
  );
}

/**
 * The file to load for `variant` (the folder's graph when absent). A variant file must stay inside
 * the folder, so a manifest cannot point the loader at arbitrary files. A derivable variant the
 * folder lacks is made from the graph (once; cached by the graph's sha256).
 */
export async function graphFileFor(folder: ModelFolder, variant?: string, env: NodeJS.ProcessEnv = process.env): Promise<GraphFile> {
  if (variant === undefined) return { file: folder.graphFile };
  checkVariant(folder, variant);
  const relative = folderVariants(folder)[variant];
  if (relative === undefined && isDerivedVariantName(variant)) {
    const derived = await derivedVariantFile(folder.graphFile, variant, env);
    return { file: derived.file, variant, derived };
  }
  const root = path.resolve(folder.dir);
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) {
    throw new XlirError('MANIFEST_INVALID', `${path.join(folder.dir, 'manifest.json')}: variants.${variant} ("${relative}") points outside the model folder.`);
  }
  if (!existsSync(file)) throw new XlirError('MODEL_FILE_MISSING', `${file} not found: the model folder needs the file of variant "${variant}".`);
  return { file, variant };
}
