import { xlirCacheDir } from '../cache-dir.ts';
import path from 'node:path';
import { findBundledXquadR } from './bundled-data.ts';

/**
 * Where the data folder came from: it decides how its files are read (`bundled`: compressed) and
 * whether they may be downloaded into it (`cache` alone).
 */
export type DataDirSource = 'option' | 'env' | 'bundled' | 'cache';

export interface ResolvedDataDir {
  dir: string;
  source: DataDirSource;
}

/**
 * The download cache: `$XLIR_CACHE_DIR/data`, else `~/.cache/xlir-bench/data`. The same
 * XLIR_CACHE_DIR root holds `models/` (models/model-locations.ts).
 */
export function dataCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xlirCacheDir(env), 'data');
}

/**
 * The folder holding `xquad-r/` (and optionally `mlqa-r/`): the explicit option (`--data-dir`)
 * first, then `$XLIR_DATA_DIR`, then the XQuAD-R the tool ships (`bundled`, null when it was
 * left out of an install), then the cache, which alone is filled by downloading.
 */
export function resolveDataDir(option: string | undefined, env: NodeJS.ProcessEnv = process.env, bundled: string | null = findBundledXquadR()): ResolvedDataDir {
  if (option) return { dir: path.resolve(option), source: 'option' };
  if (env.XLIR_DATA_DIR) return { dir: path.resolve(env.XLIR_DATA_DIR), source: 'env' };
  if (bundled !== null) return { dir: bundled, source: 'bundled' };
  return { dir: dataCacheDir(env), source: 'cache' };
}

/** How to name a data folder's origin in messages. */
export function describeDataDirSource(source: DataDirSource): string {
  return { option: '--data-dir', env: 'XLIR_DATA_DIR', bundled: 'the data bundled with the tool', cache: 'the download cache' }[source];
}
