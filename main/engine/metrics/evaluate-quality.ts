import type { Candidate, Query } from '../datasets/retrieval-dataset.ts';
import { XlirError } from '../errors.ts';
import { percentileOfSorted } from '../latency/percentiles.ts';
import { denseScoreSource } from '../retrieval/exact-search.ts';
import type { ScoreSource } from '../retrieval/score-source.ts';
import type { LanguageBias, MultilingualSetting, PairSetting, QualityResult, TieRule } from './quality-result.ts';
import { averagePrecision, ndcgAt, recallAt } from './rank-metrics.ts';
import { rankRelevant } from './relevant-ranks.ts';

// LAReQA-style retrieval quality (DEFINITIONS.md). Each query's scores against every candidate
// are computed once; all settings (monolingual, cross-lingual, multilingual, the pair matrix and
// language bias) are read off the ranks of its relevant candidates in that one score vector.

const RECALL_CUTOFFS = [1, 5, 10] as const;
const NDCG_CUTOFF = 10;
/** Score block size: 32 MiB of doubles, so a 1M-candidate pool still fits (4 queries a block). */
const BLOCK_BYTES = 32 * 1024 * 1024;
const MAX_BLOCK_QUERIES = 64;

interface QualityInputCommon {
  queries: readonly Query[];
  candidates: readonly Candidate[];
  /** Evaluated languages, in report order. Queries and candidates in other languages are left out. */
  languages: readonly string[];
  /** How equal scores are ranked; default `pessimistic` (DEFINITIONS.md, "Ranking"). */
  ties?: TieRule;
  /** Called after each block of queries: `done` of `total` evaluated queries scored. */
  onProgress?: (done: number, total: number) => void;
  /** Checked after each block (after `onProgress`): once aborted, the evaluation throws its reason. */
  signal?: AbortSignal;
}

/** Dense embeddings (row-major, one row per query / candidate, in array order), or any score source. */
export type QualityInput = QualityInputCommon &
  ({ queryEmbeddings: Float32Array; candidateEmbeddings: Float32Array; dim: number } | { scores: ScoreSource });

/**
 * The per-query values behind a `QualityResult`, for the paired bootstrap (bootstrap.ts). Arrays
 * are indexed by evaluated query (the input queries in the evaluated languages, input order).
 * NaN marks "undefined": the pool holds no relevant candidate, or (rank gap) fewer than two.
 */
export interface QualityDetail {
  languages: string[];
  queryIds: string[];
  queryGroups: string[];
  /** Index into `languages`. */
  queryLanguage: Int32Array;
  /** AP of query q against the pool of language y at `q · languages.length + y`; y = own language is monolingual. */
  pairAp: Float64Array;
  multilingualAp: Float64Array;
  /** Pooled rank of the worst minus the best relevant candidate (language bias). */
  rankGap: Float64Array;
}

export interface QualityEvaluation {
  result: QualityResult;
  detail: QualityDetail;
}

/** Sums of per-query values of one pool kind, for means. */
class MetricSums {
  count = 0;
  ap = 0;
  recall = RECALL_CUTOFFS.map(() => 0);
  ndcg = 0;

  add(ranks: number[]): number {
    const ap = averagePrecision(ranks);
    this.count++;
    this.ap += ap;
    RECALL_CUTOFFS.forEach((k, i) => (this.recall[i] += recallAt(ranks, k)));
    this.ndcg += ndcgAt(ranks, NDCG_CUTOFF);
    return ap;
  }

  mean(): { map: number; recall: { '1': number; '5': number; '10': number }; ndcg10: number } {
    const n = this.count;
    return { map: this.ap / n, recall: { '1': this.recall[0] / n, '5': this.recall[1] / n, '10': this.recall[2] / n }, ndcg10: this.ndcg / n };
  }
}

/**
 * Monolingual, cross-lingual and multilingual mAP / Recall@1,5,10 / nDCG@10, the per-pair mAP
 * matrix and language bias of one model (DEFINITIONS.md), plus the per-query values the paired
 * bootstrap needs. Synchronous: O(queries × candidates × dim) for the scores, one pass per query
 * for the ranks; about 20 s for XQuAD-R at dim 256 on one core (bench/quality-speed.ts).
 */
export function evaluateQuality(input: QualityInput): QualityEvaluation {
  const languages = [...input.languages];
  if (languages.length === 0 || new Set(languages).size !== languages.length) {
    throw new RangeError(`evaluateQuality: languages must be non-empty and distinct, got [${languages.join(', ')}]`);
  }
  const L = languages.length;
  const ties = input.ties ?? 'pessimistic';
  const languageIndex = new Map(languages.map((lang, i) => [lang, i]));
  const scores =
    'scores' in input ? input.scores : denseScoreSource(input.queryEmbeddings, input.candidateEmbeddings, input.dim);
  if (scores.queryCount !== input.queries.length || scores.candidateCount !== input.candidates.length) {
    throw new RangeError(
      `evaluateQuality: scores cover ${scores.queryCount} queries × ${scores.candidateCount} candidates, ` +
        `the dataset has ${input.queries.length} × ${input.candidates.length}`,
    );
  }

  const candidateLanguage = new Int32Array(input.candidates.length);
  const candidateIndex = new Map<string, number>();
  let candidateCount = 0;
  input.candidates.forEach((c, i) => {
    if (candidateIndex.has(c.id)) throw new XlirError('DATASET_INVALID', `candidate id "${c.id}" appears twice in the candidate pool.`);
    candidateIndex.set(c.id, i);
    candidateLanguage[i] = languageIndex.get(c.lang) ?? -1;
    if (candidateLanguage[i] >= 0) candidateCount++;
  });

  // The evaluated queries, and each one's relevant candidates inside the pools (ascending).
  const selected: number[] = [];
  const relevantOf: Int32Array[] = [];
  input.queries.forEach((q, i) => {
    if (!languageIndex.has(q.lang)) return;
    const relevant: number[] = [];
    for (const id of q.relevant) {
      const c = candidateIndex.get(id);
      if (c === undefined) {
        throw new XlirError('DATASET_INVALID', `query "${q.id}" lists relevant candidate "${id}", which is not in the candidate pool.`);
      }
      if (candidateLanguage[c] >= 0) relevant.push(c);
    }
    selected.push(i);
    relevantOf.push(Int32Array.from(new Set(relevant)).sort());
  });
  const Q = selected.length;

  const detail: QualityDetail = {
    languages,
    queryIds: selected.map((i) => input.queries[i].id),
    queryGroups: selected.map((i) => input.queries[i].group),
    queryLanguage: Int32Array.from(selected, (i) => languageIndex.get(input.queries[i].lang)!),
    pairAp: new Float64Array(Q * L).fill(NaN),
    multilingualAp: new Float64Array(Q).fill(NaN),
    rankGap: new Float64Array(Q).fill(NaN),
  };
  const pairSums = Array.from({ length: L * L }, () => new MetricSums());
  const pooledSums = new MetricSums();
  const rankSumByLanguage = new Float64Array(L);
  const rankCountByLanguage = new Float64Array(L);
  let sameLanguageFirst = 0;
  let sameLanguageEligible = 0;

  const n = scores.candidateCount;
  const blockQueries = Math.max(1, Math.min(MAX_BLOCK_QUERIES, Math.floor(BLOCK_BYTES / (8 * Math.max(1, n)))));
  const block = new Float64Array(blockQueries * n);
  let done = 0;
  while (done < Q) {
    // A block is a run of consecutive input queries (score sources take ranges).
    let size = 1;
    while (size < blockQueries && done + size < Q && selected[done + size] === selected[done] + size) size++;
    const start = selected[done];
    scores.scoreBlock(start, start + size, block);
    for (let b = 0; b < size; b++) {
      const q = done + b;
      const relevant = relevantOf[q];
      if (relevant.length === 0) continue;
      const x = detail.queryLanguage[q];
      const { languageRank, pooledRank } = rankRelevant(block.subarray(b * n, (b + 1) * n), candidateLanguage, L, relevant, ties);

      const byLanguage: number[][] = Array.from({ length: L }, () => []);
      relevant.forEach((c, i) => byLanguage[candidateLanguage[c]].push(languageRank[i]));
      for (let y = 0; y < L; y++) {
        if (byLanguage[y].length === 0) continue;
        detail.pairAp[q * L + y] = pairSums[x * L + y].add(byLanguage[y].sort((a, c) => a - c));
      }

      const pooled = Array.from(pooledRank).sort((a, c) => a - c);
      detail.multilingualAp[q] = pooledSums.add(pooled);
      if (relevant.length < 2) continue;
      detail.rankGap[q] = pooled[pooled.length - 1] - pooled[0];
      let best = 0;
      let hasOwnLanguage = false;
      relevant.forEach((c, i) => {
        const y = candidateLanguage[c];
        rankSumByLanguage[y] += pooledRank[i];
        rankCountByLanguage[y]++;
        if (pooledRank[i] < pooledRank[best]) best = i;
        if (y === x) hasOwnLanguage = true;
      });
      if (hasOwnLanguage) {
        sameLanguageEligible++;
        if (candidateLanguage[relevant[best]] === x) sameLanguageFirst++;
      }
    }
    done += size;
    input.onProgress?.(done, Q);
    input.signal?.throwIfAborted();
  }

  if (pooledSums.count === 0) {
    throw new XlirError(
      'DATASET_INVALID',
      `no query in ${languages.join(', ')} has a relevant candidate in those languages: there is nothing to evaluate.`,
    );
  }
  const gaps = detail.rankGap.filter((g) => !Number.isNaN(g)).sort();
  const languageBias: LanguageBias | null =
    gaps.length === 0
      ? null
      : {
          meanMaxMinRankGap: gaps.reduce((s, g) => s + g, 0) / gaps.length,
          medianMaxMinRankGap: percentileOfSorted(gaps, 50),
          meanRankByLanguage: Object.fromEntries(
            languages.flatMap((lang, y) => (rankCountByLanguage[y] > 0 ? [[lang, rankSumByLanguage[y] / rankCountByLanguage[y]]] : [])),
          ),
          sameLanguageFirstRate: sameLanguageEligible > 0 ? sameLanguageFirst / sameLanguageEligible : null,
          queries: gaps.length,
        };
  const multilingual: MultilingualSetting = { ...pooledSums.mean(), queries: pooledSums.count };
  const result: QualityResult = {
    languages,
    queryCount: Q,
    candidateCount,
    ties,
    monolingual: macroAverage(pairSums.filter((_, p) => Math.floor(p / L) === p % L)),
    crossLingual: macroAverage(pairSums.filter((_, p) => Math.floor(p / L) !== p % L)),
    multilingual,
    languageBias,
    pairMatrix: {
      languages,
      map: languages.map((_, x) => languages.map((_, y) => (pairSums[x * L + y].count > 0 ? pairSums[x * L + y].mean().map : null))),
    },
  };
  return { result, detail };
}

/** Unweighted mean over the pairs that have at least one query; null if none has. */
function macroAverage(pairs: MetricSums[]): PairSetting | null {
  const means = pairs.filter((p) => p.count > 0).map((p) => p.mean());
  if (means.length === 0) return null;
  const avg = (pick: (m: ReturnType<MetricSums['mean']>) => number) => means.reduce((s, m) => s + pick(m), 0) / means.length;
  return {
    map: avg((m) => m.map),
    recall: { '1': avg((m) => m.recall['1']), '5': avg((m) => m.recall['5']), '10': avg((m) => m.recall['10']) },
    ndcg10: avg((m) => m.ndcg10),
    pairs: means.length,
  };
}
