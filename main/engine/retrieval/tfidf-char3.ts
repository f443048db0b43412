import type { ScoreSource } from './score-source.ts';

// The lexical floor (RESEARCH.md, "A floor to beat"): character 3-gram TF-IDF with cosine
// similarity, no training. The recipe, in scikit-learn terms
//   TfidfVectorizer(analyzer='char', ngram_range=(3, 3), sublinear_tf=True) on ' ' + text + ' ',
// fitted on the candidate pool and applied to the queries:
//   - text: lowercased; every run of two or more whitespace characters becomes one space; then one
//     space added at each end, so word-initial and word-final 3-grams exist for the first and last word;
//   - terms: every 3 consecutive code points (across word boundaries);
//   - weight: (1 + ln count) × idf, idf(t) = ln((1 + N) / (1 + df(t))) + 1 over the N candidates;
//   - each vector L2-normalised; query 3-grams absent from every candidate are dropped.
// With this recipe and `ties: 'candidate-order'`, the full XQuAD-R floor in RESEARCH.md is
// reproduced to every printed digit (DEFINITIONS.md, "The lexical floor"). Scores are exact
// sparse dot products from an inverted index: nothing is hashed or truncated.

/** The 3-grams of `text`, in order, repeats included. */
export function charTrigrams(text: string): string[] {
  const chars = Array.from(` ${text.toLowerCase().replace(/\s\s+/gu, ' ')} `);
  const grams: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) grams.push(chars[i] + chars[i + 1] + chars[i + 2]);
  return grams;
}

/** A text's terms (vocabulary indices) with their raw counts; terms outside the vocabulary dropped. */
function termCounts(text: string, vocabulary: Map<string, number>, grow: boolean): Map<number, number> {
  const counts = new Map<number, number>();
  for (const gram of charTrigrams(text)) {
    let term = vocabulary.get(gram);
    if (term === undefined) {
      if (!grow) continue;
      term = vocabulary.size;
      vocabulary.set(gram, term);
    }
    counts.set(term, (counts.get(term) ?? 0) + 1);
  }
  return counts;
}

/** Sparse L2-normalised TF-IDF vector: parallel arrays of term indices and weights. */
interface SparseVector {
  terms: Int32Array;
  weights: Float64Array;
}

function weigh(counts: Map<number, number>, idf: Float64Array): SparseVector {
  const terms = Int32Array.from(counts.keys());
  const weights = Float64Array.from(terms, (t) => (1 + Math.log(counts.get(t)!)) * idf[t]);
  let norm = 0;
  for (const w of weights) norm += w * w;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < weights.length; i++) weights[i] /= norm;
  return { terms, weights };
}

/**
 * Cosine similarities of char-3-gram TF-IDF vectors, as a `ScoreSource` for `evaluateQuality`.
 * Fitting is O(total text length); scoring one query costs the summed posting-list lengths of
 * its 3-grams (a candidate sharing no 3-gram with the query scores exactly 0).
 */
export function tfidfChar3ScoreSource(queryTexts: readonly string[], candidateTexts: readonly string[]): ScoreSource {
  const vocabulary = new Map<string, number>();
  const candidateCounts = candidateTexts.map((text) => termCounts(text, vocabulary, true));
  const V = vocabulary.size;
  const N = candidateTexts.length;
  const df = new Float64Array(V);
  for (const counts of candidateCounts) for (const term of counts.keys()) df[term]++;
  const idf = Float64Array.from(df, (d) => Math.log((1 + N) / (1 + d)) + 1);

  // Inverted index in CSR form: the postings of term t are [offsets[t], offsets[t + 1]).
  const candidateVectors = candidateCounts.map((counts) => weigh(counts, idf));
  const offsets = new Int32Array(V + 1);
  for (const v of candidateVectors) for (const t of v.terms) offsets[t + 1]++;
  for (let t = 0; t < V; t++) offsets[t + 1] += offsets[t];
  const postingCandidate = new Int32Array(offsets[V]);
  const postingWeight = new Float64Array(offsets[V]);
  const fill = offsets.slice(0, V);
  candidateVectors.forEach((v, c) => {
    for (let i = 0; i < v.terms.length; i++) {
      const at = fill[v.terms[i]]++;
      postingCandidate[at] = c;
      postingWeight[at] = v.weights[i];
    }
  });
  const queryVectors = queryTexts.map((text) => weigh(termCounts(text, vocabulary, false), idf));

  return {
    queryCount: queryTexts.length,
    candidateCount: N,
    scoreBlock(start, end, out) {
      for (let q = start; q < end; q++) {
        const row = (q - start) * N;
        out.fill(0, row, row + N);
        const { terms, weights } = queryVectors[q];
        for (let i = 0; i < terms.length; i++) {
          const w = weights[i];
          for (let p = offsets[terms[i]]; p < offsets[terms[i] + 1]; p++) out[row + postingCandidate[p]] += w * postingWeight[p];
        }
      }
    },
  };
}
