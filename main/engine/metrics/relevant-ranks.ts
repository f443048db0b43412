import { XlirError } from '../errors.ts';
import type { TieRule } from './quality-result.ts';

/**
 * Ranks (1-based positions in the ranking `TieRule` defines) of one query's relevant candidates, within the
 * pool of their own language and within the pool of all evaluated languages:
 *
 *   pessimistic:     1 + #{pool c : s_c > s_r} + #{irrelevant pool c : s_c = s_r}
 *                      + #{relevant pool c : s_c = s_r, c before r}
 *   candidate-order: 1 + #{pool c : s_c > s_r} + #{pool c : s_c = s_r, c before r}
 *
 * Either way the ranks of a pool's relevant candidates are distinct, so the k-th best has rank ≥ k.
 */
export interface RelevantRanks {
  languageRank: Int32Array;
  pooledRank: Int32Array;
}

const nanError = (candidate: number) =>
  new XlirError('SCORE_NAN', `candidate ${candidate} scored NaN: the model's embeddings contain NaN (check its ONNX export).`);

/**
 * One pass over the query's score vector. Only candidates scoring at least the lowest relevant
 * score are looked at twice, so the cost is about one comparison per candidate.
 *
 * @param scores            the query's score for every candidate
 * @param candidateLanguage each candidate's language index, or −1 for a candidate outside every pool
 * @param languageCount     number of evaluated languages
 * @param relevant          the query's relevant candidates (indices, ascending), all inside a pool
 */
export function rankRelevant(
  scores: Float64Array,
  candidateLanguage: Int32Array,
  languageCount: number,
  relevant: Int32Array,
  ties: TieRule,
): RelevantRanks {
  const m = relevant.length;
  const relevantScore = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    relevantScore[i] = scores[relevant[i]];
    if (Number.isNaN(relevantScore[i])) throw nanError(relevant[i]);
  }
  // Distinct relevant scores, highest first: the only thresholds at which counts are needed.
  const thresholds = Float64Array.from(new Set(relevantScore)).sort().reverse();
  const u = thresholds.length;
  // above[g·u + j]: candidates of language g scoring above thresholds j … u−1 but not j−1.
  const above = new Int32Array(languageCount * u);
  // tied[((g·u) + j)·(m+1) + k]: candidates of language g scoring exactly thresholds[j], preceded in
  // candidate order by exactly k relevant candidates (so before relevant[k], at or after relevant[k−1]).
  const segments = m + 1;
  const tied = new Int32Array(languageCount * u * segments);
  const lowest = u > 0 ? thresholds[u - 1] : Infinity;
  const n = candidateLanguage.length;
  for (let c = 0; c < n; c++) {
    const s = scores[c];
    if (s < lowest) continue; // the common case: below every relevant score
    const g = candidateLanguage[c];
    if (g < 0) continue;
    if (s !== s) throw nanError(c);
    let j = u;
    while (j > 0 && thresholds[j - 1] < s) j--;
    if (j < u) above[g * u + j]++;
    if (j > 0 && thresholds[j - 1] === s) tied[(g * u + j - 1) * segments + relevantBefore(relevant, c)]++;
  }
  // Prefix sums: above[g·u + j] becomes #{c of language g : s_c > thresholds[j]}, and
  // tied[… + k] becomes the number of tied candidates up to and including relevant[k].
  for (let g = 0; g < languageCount; g++) {
    for (let j = 1; j < u; j++) above[g * u + j] += above[g * u + j - 1];
    for (let j = 0; j < u; j++) {
      const base = (g * u + j) * segments;
      for (let k = 1; k < segments; k++) tied[base + k] += tied[base + k - 1];
    }
  }

  const thresholdIndex = Int32Array.from(relevantScore, (s) => thresholds.indexOf(s));
  const language = Int32Array.from(relevant, (c) => candidateLanguage[c]);
  const languageRank = new Int32Array(m);
  const pooledRank = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const j = thresholdIndex[i];
    const g = language[i];
    // Tied candidates of language h ranked before relevant[i] under the tie rule.
    const tiedBefore = (h: number): number => {
      const base = (h * u + j) * segments;
      if (ties === 'candidate-order') return tied[base + i] - (h === g ? 1 : 0); // minus relevant[i] itself
      let relevantTied = 0;
      let relevantTiedBefore = 0;
      for (let k = 0; k < m; k++) {
        if (thresholdIndex[k] !== j || language[k] !== h) continue;
        relevantTied++;
        if (k < i) relevantTiedBefore++;
      }
      return tied[base + m] - relevantTied + relevantTiedBefore;
    };
    languageRank[i] = 1 + above[g * u + j] + tiedBefore(g);
    let pooled = 1;
    for (let h = 0; h < languageCount; h++) pooled += above[h * u + j] + tiedBefore(h);
    pooledRank[i] = pooled;
  }
  return { languageRank, pooledRank };
}

/** Number of relevant candidates (ascending indices) before candidate `c`. */
function relevantBefore(relevant: Int32Array, c: number): number {
  let lo = 0;
  let hi = relevant.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (relevant[mid] < c) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
