import { describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import type { TieRule } from '../../main/engine/metrics/quality-result.ts';
import { rankRelevant } from '../../main/engine/metrics/relevant-ranks.ts';
import { createRng } from '../../main/engine/random/seeded.ts';

const rank = (scores: number[], languages: number[], relevant: number[], ties: TieRule) => {
  const r = rankRelevant(Float64Array.from(scores), Int32Array.from(languages), Math.max(...languages) + 1, Int32Array.from(relevant), ties);
  return { language: Array.from(r.languageRank), pooled: Array.from(r.pooledRank) };
};

/** Positions in an explicit sort: the definition the fast counting must match. */
function reference(scores: number[], languages: number[], relevant: number[], ties: TieRule) {
  const isRelevant = new Set(relevant);
  const order = (pool: number[]) =>
    [...pool].sort((a, b) => {
      if (scores[a] !== scores[b]) return scores[b] - scores[a];
      if (ties === 'pessimistic' && isRelevant.has(a) !== isRelevant.has(b)) return isRelevant.has(a) ? 1 : -1;
      return a - b;
    });
  const all = scores.map((_, c) => c).filter((c) => languages[c] >= 0);
  const pooled = order(all);
  return {
    language: relevant.map((r) => order(all.filter((c) => languages[c] === languages[r])).indexOf(r) + 1),
    pooled: relevant.map((r) => pooled.indexOf(r) + 1),
  };
}

describe('rankRelevant', () => {
  it('ranks by score, highest first, within the language pool and the pooled ranking', () => {
    // Candidates: 0 en .9, 1 en .5, 2 de .7, 3 de .6; relevant 1 (en) and 3 (de).
    // en pool: 0, 1 → candidate 1 rank 2. de pool: 2, 3 → candidate 3 rank 2. Pooled: 0, 2, 3, 1.
    expect(rank([0.9, 0.5, 0.7, 0.6], [0, 0, 1, 1], [1, 3], 'pessimistic')).toEqual({ language: [2, 2], pooled: [4, 3] });
  });

  it('pessimistic: a tie with an irrelevant candidate counts against, tied relevant keep candidate order', () => {
    // All four tie at .5; relevant 1 and 3. Irrelevant 0 and 2 go first, then 1, then 3.
    expect(rank([0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0], [1, 3], 'pessimistic')).toEqual({ language: [3, 4], pooled: [3, 4] });
    // One relevant tied with an irrelevant one that comes later in candidate order: still behind it.
    expect(rank([0.5, 0.5, 0.1], [0, 0, 0], [0], 'pessimistic')).toEqual({ language: [2], pooled: [2] });
  });

  it('candidate-order: ties are broken by candidate index, relevant or not', () => {
    expect(rank([0.5, 0.5, 0.5, 0.5], [0, 0, 0, 0], [1, 3], 'candidate-order')).toEqual({ language: [2, 4], pooled: [2, 4] });
    expect(rank([0.5, 0.5, 0.1], [0, 0, 0], [0], 'candidate-order')).toEqual({ language: [1], pooled: [1] });
  });

  it('leaves candidates outside every pool out of every rank', () => {
    // Candidate 1 (language −1) outscores everything but is in no pool.
    expect(rank([0.2, 0.9, 0.1], [0, -1, 0], [2], 'pessimistic')).toEqual({ language: [2], pooled: [2] });
  });

  it('matches an explicit sort on random scores with many ties, under both rules', () => {
    const random = createRng(7);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(random() * 30);
      const scores = Array.from({ length: n }, () => Math.floor(random() * 4) / 4); // 4 levels: ties everywhere
      const languages = Array.from({ length: n }, () => Math.floor(random() * 4) - 1); // −1 = outside the pools
      const inPools = languages.flatMap((g, c) => (g >= 0 ? [c] : []));
      const relevant = inPools.filter(() => random() < 0.3);
      if (relevant.length === 0 || Math.max(...languages) < 0) continue;
      for (const ties of ['pessimistic', 'candidate-order'] as const) {
        const r = rankRelevant(Float64Array.from(scores), Int32Array.from(languages), 3, Int32Array.from(relevant), ties);
        expect({ language: Array.from(r.languageRank), pooled: Array.from(r.pooledRank) }).toEqual(reference(scores, languages, relevant, ties));
      }
    }
  });

  it('refuses NaN scores with an error the user can act on, naming the candidate', () => {
    const irrelevantNaN = () => rank([0.5, NaN], [0, 0], [0], 'pessimistic');
    expect(irrelevantNaN).toThrow(XlirError);
    expect(irrelevantNaN).toThrow(expect.objectContaining({ code: 'SCORE_NAN' }));
    expect(irrelevantNaN).toThrow(/candidate 1 scored NaN: the model's embeddings contain NaN \(check its ONNX export\)/);
    expect(() => rank([NaN, 0.5], [0, 0], [0], 'pessimistic')).toThrow(/candidate 0 scored NaN/);
    // A relevant candidate that scored NaN is named, even after an irrelevant one that did too.
    expect(() => rank([NaN, 0.5, NaN], [0, 0, 0], [2], 'pessimistic')).toThrow(/candidate 2 scored NaN/);
  });

  it('ignores candidates outside every pool, even NaN ones: they are not evaluated', () => {
    expect(rank([0.2, NaN, 0.1], [0, -1, 0], [2], 'pessimistic')).toEqual({ language: [2], pooled: [2] });
  });

  it('keeps the counts of one language apart from the next (several thresholds, several languages)', () => {
    // en: 0 .9, 1 .5 (relevant), 2 .1; de: 3 .7 (relevant), 4 .6, 5 .95. Thresholds .7 and .5.
    // en pool: 0, 1, 2 → 1 has rank 2. de pool: 5, 3, 4 → 3 has rank 2. Pooled: 5, 0, 3, 4, 1, 2.
    expect(rank([0.9, 0.5, 0.1, 0.7, 0.6, 0.95], [0, 0, 0, 1, 1, 1], [1, 3], 'pessimistic')).toEqual({ language: [2, 2], pooled: [5, 3] });
  });
});
