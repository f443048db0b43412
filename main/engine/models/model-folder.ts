import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { XlirError } from '../errors.ts';
import { ModelManifestSchema, type ModelManifest } from './manifest.ts';
import { issueLines } from '../schema-issues.ts';

/** The files of a model folder. `tokenizer_config.json` is optional (pad token, tokenizer flags). */
export const MODEL_FOLDER_FILES = {
  manifest: 'manifest.json',
  model: 'model.onnx',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
} as const;

/**
 * A graph over protobuf's 2 GiB limit keeps its weights in an external-data file beside it,
 * `model.onnx_data` for `model.onnx` (the name Hugging Face Optimum and the replica generator use).
 * It is part of the model: hashed and counted with the graph.
 */
export function externalDataFile(modelFile: string): string {
  return `${modelFile}_data`;
}

/** Bytes of an ONNX file and its external data, if any. */
export async function modelFileBytes(modelFile: string): Promise<number> {
  const sizes = await Promise.all([modelFile, externalDataFile(modelFile)].map((f) => stat(f).then((s) => s.size, () => 0)));
  return sizes[0] + sizes[1];
}

/** Reads and validates `manifest.json`; errors name the file and every field at fault. */
export async function readManifest(dir: string): Promise<ModelManifest> {
  const file = path.join(dir, MODEL_FOLDER_FILES.manifest);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new XlirError(
      'MANIFEST_INVALID',
      missing
        ? `${file} not found: a model folder needs manifest.json, model.onnx and tokenizer.json.`
        : `${file} could not be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new XlirError('MANIFEST_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = ModelManifestSchema.safeParse(json);
  if (!parsed.success) {
    const fields = issueLines(parsed.error, '(top level)').map((line) => `  ${line}`);
    throw new XlirError('MANIFEST_INVALID', `${file} is not a valid model manifest:\n${fields.join('\n')}`);
  }
  return parsed.data;
}

/**
 * The ONNX file to load: `model.onnx`, or the file `manifest.variants[variant]` names. A variant
 * must stay inside the folder, so a manifest cannot point the loader at arbitrary files.
 */
export function modelFilePath(dir: string, manifest: ModelManifest, variant?: string): string {
  if (variant === undefined) return path.join(dir, MODEL_FOLDER_FILES.model);
  const relative = manifest.variants?.[variant];
  if (relative === undefined) {
    const known = Object.keys(manifest.variants ?? {});
    throw new XlirError(
      'VARIANT_UNKNOWN',
      `Model ${manifest.name} (${dir}) has no variant "${variant}"; ` +
        (known.length ? `its manifest.json lists: ${known.join(', ')}.` : 'its manifest.json lists no variants.'),
    );
  }
  const root = path.resolve(dir);
  const file = path.resolve(root, relative);
  if (!file.startsWith(root + path.sep)) {
    throw new XlirError('MANIFEST_INVALID', `${path.join(dir, MODEL_FOLDER_FILES.manifest)}: variants.${variant} ("${relative}") points outside the model folder.`);
  }
  return file;
}

/** Throws MODEL_FILE_MISSING when a required file of the folder is absent. */
export function requireFile(file: string, what: string): void {
  if (!existsSync(file)) {
    throw new XlirError('MODEL_FILE_MISSING', `${file} not found: the model folder needs ${what}.`);
  }
}
