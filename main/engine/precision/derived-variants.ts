import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { xlirCacheDir } from '../cache-dir.ts';
import { sha256File } from '../models/file-hash.ts';
import { convertFp16 } from './fp16.ts';
import { quantizeInt8 } from './int8-dynamic.ts';

export type Precision = 'fp32' | 'fp16' | 'int8' | 'int4' | 'mixed';

/** The variants XLIR Bench makes from a model's fp32 graph itself, when the folder has no file of that name. */
export const DERIVED_VARIANTS = {
  int8: {
    precision: 'int8',
    recipe: 'dynamic int8 (xlir): MatMul/Gemm weights int8 per output column, symmetric; activations quantised per call (DynamicQuantizeLinear + MatMulInteger); embedding tables int8 per row; LayerNorm and attention stay fp32',
    make: (bytes: Uint8Array, source: string) => quantizeInt8(bytes, source).bytes,
  },
  fp16: {
    precision: 'fp16',
    recipe: 'float16 (xlir): weights, constants and intermediate tensors float16; float32 inputs and outputs',
    make: convertFp16,
  },
} as const satisfies Record<string, { precision: Precision; recipe: string; make: (bytes: Uint8Array, source: string) => Uint8Array }>;

export type DerivedVariantName = keyof typeof DERIVED_VARIANTS;

/** Bumped whenever a recipe changes its output, so cached files of an older recipe are not reused. */
export const RECIPE_VERSION = 2;

export const isDerivedVariantName = (name: string): name is DerivedVariantName => Object.hasOwn(DERIVED_VARIANTS, name);

export interface DerivedVariant {
  file: string;
  /** The graph it was made from, and its sha256: the cache key, and what a report cites. */
  source: { file: string; sha256: string };
  recipe: string;
}

/**
 * The file of a derived variant of `sourceFile`, made on first use and cached under the tool's
 * cache folder by the source's sha256 and the recipe version. The recipes are deterministic, so a
 * re-made file is byte for byte the one before, and a model whose weights change (a retrained
 * bundled pair) gets a new one by itself. Written to a temporary name and renamed, so concurrent
 * runs never read half a file.
 */
export async function derivedVariantFile(sourceFile: string, name: DerivedVariantName, env: NodeJS.ProcessEnv = process.env): Promise<DerivedVariant> {
  const sha256 = await sha256File(sourceFile);
  const variant = DERIVED_VARIANTS[name];
  const dir = path.join(xlirCacheDir(env), 'variants', sha256);
  const file = path.join(dir, `model_${name}.v${RECIPE_VERSION}.onnx`);
  if (!existsSync(file)) {
    const bytes = variant.make(await readFile(sourceFile), sourceFile);
    await mkdir(dir, { recursive: true });
    const partial = `${file}.${randomUUID()}.partial`;
    try {
      await writeFile(partial, bytes);
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
    }
  }
  return { file, source: { file: sourceFile, sha256 }, recipe: variant.recipe };
}

/** Writes a derived variant beside the graph as `model_<name>.onnx`, where the folder's loader finds it. */
export async function writeDerivedVariant(sourceFile: string, name: DerivedVariantName): Promise<string> {
  const target = path.join(path.dirname(sourceFile), `model_${name}.onnx`);
  await writeFile(target, DERIVED_VARIANTS[name].make(await readFile(sourceFile), sourceFile));
  return target;
}
