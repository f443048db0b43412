import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { xlirCacheDir } from '../cache-dir.ts';
import { looksLikeModelFolder } from './model-folder.ts';

/** The baseline/hybrid pair committed with the tool (native-models/default). */
export function bundledModelsDir(): string {
  return fileURLToPath(new URL('../../../native-models/default/', import.meta.url));
}

/** Where users keep other models (replicas, exported checkpoints): XLIR_MODELS_DIR or the cache. */
export function userModelsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.XLIR_MODELS_DIR || path.join(xlirCacheDir(env), 'models');
}

/** The folders searched for models by name, bundled first. */
export function modelSearchDirs(extra: string[] = [], env: NodeJS.ProcessEnv = process.env): string[] {
  return [bundledModelsDir(), userModelsDir(env), ...extra];
}

/**
 * A `--model` value is a folder path if it names one (it contains a separator or exists),
 * otherwise a model name looked up in the search folders by subfolder name.
 */
export function resolveModelArgument(value: string, searchDirs: string[]): string | undefined {
  if (value.includes('/') || value.includes(path.sep) || looksLikeModelFolder(value)) return path.resolve(value);
  for (const dir of searchDirs) {
    const candidate = path.join(dir, value);
    if (looksLikeModelFolder(candidate)) return candidate;
  }
  return undefined;
}
