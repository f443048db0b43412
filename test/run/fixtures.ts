import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
export const tinyEncoderDir = path.join(repoRoot, 'test/fixtures/tiny-encoder');
/** The shared data folder (holds xquad-r/): XLIR_DATA_DIR where set, else ../shared/data beside the repo. */
export const dataDir = process.env.XLIR_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

/**
 * A copy of the tiny test encoder with manifest changes, e.g. a "hybrid" twin of the same
 * family: the run then has a baseline/hybrid pair to compare.
 */
export function tinyModelCopy(changes: Record<string, unknown>, mutate?: (dir: string) => void): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-model-')), String(changes.name ?? 'model'));
  cpSync(tinyEncoderDir, dir, { recursive: true });
  const manifestFile = path.join(dir, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), ...changes }, null, 2));
  mutate?.(dir);
  return dir;
}

/** A quick run's configuration: two languages, a few questions, a short latency phase. */
export function quickConfig(models: string[], overrides: Record<string, unknown> = {}) {
  return {
    models,
    dataset: { name: 'xquad-r' as const, dataDir, langs: ['en', 'de'], maxQueries: 8 },
    scenario: { kind: 'single-stream' as const, warmupQueries: 2, minQueries: 12, minDurationMs: 0, rounds: 4 },
    bootstrapResamples: 200,
    ...overrides,
  };
}
