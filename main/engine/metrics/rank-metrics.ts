// Per-query quality of one ranking, from the ranks of the query's relevant candidates in a pool
// (distinct 1-based positions, as `relevant-ranks.ts` produces them). Definitions: DEFINITIONS.md.

/**
 * Average precision (LAReQA): with the R relevant ranks sorted ascending, AP = (1/R) Σ_k k / rank_k.
 * `ranks` must be sorted ascending and non-empty.
 */
export function averagePrecision(ranks: ArrayLike<number>): number {
  let sum = 0;
  for (let k = 0; k < ranks.length; k++) sum += (k + 1) / ranks[k];
  return sum / ranks.length;
}

/** Recall@k: the fraction of the R relevant candidates ranked in the top k. */
export function recallAt(ranks: ArrayLike<number>, k: number): number {
  let hits = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] <= k) hits++;
  return hits / ranks.length;
}

/**
 * nDCG@k with binary gains: DCG = Σ over relevant ranks ≤ k of 1 / log2(rank + 1), divided by the
 * DCG of the ideal ranking, whose min(R, k) relevant candidates fill ranks 1 … min(R, k).
 */
export function ndcgAt(ranks: ArrayLike<number>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < ranks.length; i++) if (ranks[i] <= k) dcg += 1 / Math.log2(ranks[i] + 1);
  let ideal = 0;
  for (let r = 1; r <= Math.min(ranks.length, k); r++) ideal += 1 / Math.log2(r + 1);
  return dcg / ideal;
}
