import { XlirError } from '../errors.ts';
import { createRng } from '../random/seeded.ts';
import type { RetrievalDataset } from './retrieval-dataset.ts';

export interface SubsetOptions {
  /** Keep these languages only: their queries, their candidates, and relevant ids in them. */
  langs?: readonly string[];
  /** Keep the queries of this many question groups, chosen with `seed`; never reduces the candidates. */
  maxQueries?: number;
  seed?: number;
}

/**
 * Checks requested languages against those a dataset has; returns them de-duplicated in the
 * dataset's order, so results list languages the same way whatever order the user typed.
 */
export function requireKnownLanguages<L extends string>(requested: readonly string[], available: readonly L[], datasetName: string): L[] {
  const unknown = requested.filter((lang) => !(available as readonly string[]).includes(lang));
  if (unknown.length > 0) {
    throw new XlirError(
      'DATASET_UNKNOWN_LANGUAGE',
      `--langs: ${datasetName} has no language ${unknown.map((l) => `"${l}"`).join(', ')}; available: ${available.join(', ')}.`,
    );
  }
  if (requested.length === 0) throw new XlirError('DATASET_UNKNOWN_LANGUAGE', `--langs: no language selected; ${datasetName} has: ${available.join(', ')}.`);
  return available.filter((lang) => requested.includes(lang));
}

/**
 * A subset of a dataset. `langs` shrinks both queries and candidate pool; `maxQueries` picks
 * whole question groups (a question and its translations) with a seeded generator, so the same
 * questions are asked in every language and the same seed gives the same subset everywhere. The
 * candidate pool stays whole under `maxQueries`, so mAP on a subset estimates mAP on the full
 * pool instead of measuring an easier task.
 */
export function selectSubset(dataset: RetrievalDataset, options: SubsetOptions): { dataset: RetrievalDataset; warnings: string[] } {
  const warnings: string[] = [];
  const languages = options.langs ? requireKnownLanguages(options.langs, dataset.languages, dataset.name) : dataset.languages;
  const keepLang = new Set(languages);
  const candidates = dataset.candidates.filter((c) => keepLang.has(c.lang));
  const candidateIds = new Set(candidates.map((c) => c.id));
  let queries = dataset.queries
    .filter((q) => keepLang.has(q.lang))
    .map((q) => ({ ...q, relevant: q.relevant.filter((id) => candidateIds.has(id)) }));
  const unanswerable = queries.filter((q) => q.relevant.length === 0).length;
  if (unanswerable > 0) {
    queries = queries.filter((q) => q.relevant.length > 0);
    warnings.push(`${unanswerable} ${dataset.name} queries were dropped: none of their relevant candidates is in the selected languages (${languages.join(', ')}).`);
  }
  if (options.maxQueries !== undefined) {
    const n = options.maxQueries;
    if (!Number.isInteger(n) || n <= 0) throw new XlirError('INVALID_OPTION', `maxQueries (--max-queries) must be a positive integer, got ${n}.`);
    const groups = [...new Set(queries.map((q) => q.group))];
    if (n >= groups.length) {
      if (n > groups.length) warnings.push(`--max-queries ${n} is more than the ${groups.length} questions of ${dataset.name}; all are used.`);
    } else {
      const chosen = new Set(sampleWithoutReplacement(groups, n, options.seed ?? 1));
      queries = queries.filter((q) => chosen.has(q.group));
    }
  }
  return { dataset: { ...dataset, languages, queries, candidates }, warnings };
}

/** The first `n` items of a seeded partial Fisher–Yates shuffle of `items` (which is not changed). */
function sampleWithoutReplacement<T>(items: readonly T[], n: number, seed: number): T[] {
  const random = createRng(seed);
  const pool = [...items];
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, n);
}
