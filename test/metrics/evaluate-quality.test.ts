import { describe, expect, it } from 'vitest';
import type { Candidate, Query } from '../../main/engine/datasets/retrieval-dataset.ts';
import { XlirError } from '../../main/engine/errors.ts';
import { evaluateQuality } from '../../main/engine/metrics/evaluate-quality.ts';
import { QualityResultSchema, type TieRule } from '../../main/engine/metrics/quality-result.ts';
import { createRng } from '../../main/engine/random/seeded.ts';
import type { ScoreSource } from '../../main/engine/retrieval/score-source.ts';

/** A score source over an explicit queries × candidates matrix. */
function matrixScores(rows: number[][]): ScoreSource {
  return {
    queryCount: rows.length,
    candidateCount: rows[0].length,
    scoreBlock(start, end, out) {
      for (let q = start; q < end; q++) out.set(rows[q], (q - start) * rows[0].length);
    },
  };
}

// The toy: two languages, five candidates, three queries (q0 and q1 are translations: group A).
//   candidates: 0 e1 (en), 1 e2 (en), 2 e3 (en), 3 d1 (de), 4 d2 (de)
const candidates: Candidate[] = [
  { id: 'e1', lang: 'en', text: '' },
  { id: 'e2', lang: 'en', text: '' },
  { id: 'e3', lang: 'en', text: '' },
  { id: 'd1', lang: 'de', text: '' },
  { id: 'd2', lang: 'de', text: '' },
];
const queries: Query[] = [
  { id: 'q0', lang: 'en', text: '', group: 'A', relevant: ['e1', 'd1'] },
  { id: 'q1', lang: 'de', text: '', group: 'A', relevant: ['e1', 'd1'] },
  { id: 'q2', lang: 'en', text: '', group: 'B', relevant: ['e2', 'd2'] },
];
//                 e1   e2   e3   d1   d2
const scores = [
  [0.9, 0.5, 0.7, 0.6, 0.8], // q0
  [0.4, 0.4, 0.2, 0.4, 0.1], // q1: e1, e2 and d1 tie
  [0.4, 0.3, 0.2, 0.5, 0.6], // q2
];
const evaluate = (ties?: TieRule, languages = ['en', 'de']) =>
  evaluateQuality({ queries, candidates, languages, scores: matrixScores(scores), ...(ties && { ties }) });

// Hand computation, pessimistic ties (a tie with an irrelevant candidate counts against):
//   q0  en pool e1 .9 e3 .7 e2 .5        → e1 rank 1: AP 1, R@1 1, nDCG 1
//       de pool d2 .8 d1 .6              → d1 rank 2: AP 1/2, R@1 0, nDCG 1/log2 3
//       pooled e1 d2 e3 d1 e2            → ranks 1 (e1), 4 (d1): AP (1/1 + 2/4)/2 = 3/4; gap 3; best e1 = own language
//   q1  de pool d1 .4 d2 .1              → d1 rank 1: AP 1
//       en pool e1 .4 = e2 .4 (irrel.)   → e1 rank 2: AP 1/2
//       pooled e2 e1 d1 e3 d2            → ranks 2 (e1), 3 (d1): AP (1/2 + 2/3)/2 = 7/12; gap 1; best e1 ≠ de
//   q2  en pool e1 .4 e2 .3 e3 .2        → e2 rank 2: AP 1/2
//       de pool d2 .6 d1 .5              → d2 rank 1: AP 1
//       pooled d2 d1 e1 e2 e3            → ranks 1 (d2), 4 (e2): AP 3/4; gap 3; best d2 ≠ en
// Pair matrix: en→en (1 + 1/2)/2 = 3/4, en→de (1/2 + 1)/2 = 3/4, de→en 1/2, de→de 1.
// monolingual = macro over pairs (3/4 + 1)/2 = 7/8 (a mean over queries would be 5/6);
// cross-lingual = (3/4 + 1/2)/2 = 5/8; multilingual = (3/4 + 7/12 + 3/4)/3 = 25/36.
const L3 = 1 / Math.log2(3);
describe('evaluateQuality on a hand-computed toy', () => {
  const { result, detail } = evaluate();

  it('gives the pair matrix and the macro-averaged monolingual and cross-lingual mAP', () => {
    expect(result.pairMatrix.languages).toEqual(['en', 'de']);
    expect(result.pairMatrix.map[0][0]).toBeCloseTo(3 / 4, 12);
    expect(result.pairMatrix.map[0][1]).toBeCloseTo(3 / 4, 12);
    expect(result.pairMatrix.map[1][0]).toBeCloseTo(1 / 2, 12);
    expect(result.pairMatrix.map[1][1]).toBeCloseTo(1, 12);
    expect(result.monolingual!.map).toBeCloseTo(7 / 8, 12);
    expect(result.monolingual!.pairs).toBe(2);
    expect(result.crossLingual!.map).toBeCloseTo(5 / 8, 12);
    expect(result.crossLingual!.pairs).toBe(2);
  });

  it('gives recall and nDCG per setting', () => {
    // Monolingual R@1: en→en (1 + 0)/2, de→de 1 → 3/4; nDCG: en→en (1 + 1/log2 3)/2, de→de 1.
    expect(result.monolingual!.recall).toEqual({ '1': 0.75, '5': 1, '10': 1 });
    expect(result.monolingual!.ndcg10).toBeCloseTo(((1 + L3) / 2 + 1) / 2, 12);
    // Cross-lingual R@1: en→de (0 + 1)/2, de→en 0 → 1/4; nDCG: en→de (1/log2 3 + 1)/2, de→en 1/log2 3.
    expect(result.crossLingual!.recall).toEqual({ '1': 0.25, '5': 1, '10': 1 });
    expect(result.crossLingual!.ndcg10).toBeCloseTo(((L3 + 1) / 2 + L3) / 2, 12);
    // Multilingual R@1: q0 1/2, q1 0, q2 1/2; nDCG: q0, q2 (1 + 1/log2 5)/(1 + 1/log2 3), q1 (1/log2 3 + 1/2)/(1 + 1/log2 3).
    expect(result.multilingual.map).toBeCloseTo(25 / 36, 12);
    expect(result.multilingual.queries).toBe(3);
    expect(result.multilingual.recall['1']).toBeCloseTo(1 / 3, 12);
    expect(result.multilingual.recall['5']).toBe(1);
    const ideal = 1 + L3;
    expect(result.multilingual.ndcg10).toBeCloseTo((2 * ((1 + 1 / Math.log2(5)) / ideal) + (L3 + 0.5) / ideal) / 3, 12);
  });

  it('gives language bias: rank gaps, mean rank per answer language, same-language-first rate', () => {
    const bias = result.languageBias!;
    expect(bias.meanMaxMinRankGap).toBeCloseTo((3 + 1 + 3) / 3, 12);
    expect(bias.medianMaxMinRankGap).toBe(3); // nearest rank: the 2nd of [1, 3, 3]
    // en answers ranked 1 (q0), 2 (q1), 4 (q2); de answers 4, 3, 1.
    expect(bias.meanRankByLanguage.en).toBeCloseTo(7 / 3, 12);
    expect(bias.meanRankByLanguage.de).toBeCloseTo(8 / 3, 12);
    expect(bias.sameLanguageFirstRate).toBeCloseTo(1 / 3, 12);
    expect(bias.queries).toBe(3);
  });

  it('keeps the per-query values behind the figures', () => {
    expect(detail.queryIds).toEqual(['q0', 'q1', 'q2']);
    expect(detail.queryGroups).toEqual(['A', 'A', 'B']);
    expect(Array.from(detail.queryLanguage)).toEqual([0, 1, 0]);
    // Rows: queries; columns: target language en, de.
    expect(Array.from(detail.pairAp)).toEqual([1, 0.5, 0.5, 1, 0.5, 1]);
    expect(detail.multilingualAp[0]).toBeCloseTo(3 / 4, 12);
    expect(detail.multilingualAp[1]).toBeCloseTo(7 / 12, 12);
    expect(Array.from(detail.rankGap)).toEqual([3, 1, 3]);
  });

  it('is valid against its schema and survives a JSON round trip', () => {
    expect(QualityResultSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
    expect(result.ties).toBe('pessimistic');
    expect(result.queryCount).toBe(3);
    expect(result.candidateCount).toBe(5);
  });
});

describe('evaluateQuality options', () => {
  it('candidate-order ties put e1 before the tied e2 (q1 only changes)', () => {
    // q1: en pool e1 rank 1 → AP 1; pooled e1 e2 d1 → ranks 1, 3: AP (1 + 2/3)/2 = 5/6, gap 2.
    const { result } = evaluate('candidate-order');
    expect(result.ties).toBe('candidate-order');
    expect(result.pairMatrix.map[1][0]).toBe(1);
    expect(result.crossLingual!.map).toBeCloseTo((3 / 4 + 1) / 2, 12);
    expect(result.multilingual.map).toBeCloseTo((3 / 4 + 5 / 6 + 3 / 4) / 3, 12);
    expect(result.languageBias!.meanMaxMinRankGap).toBeCloseTo(8 / 3, 12);
  });

  it('leaves out queries and candidates of languages not evaluated', () => {
    // en only: q1 (de) is dropped, and so are d1, d2 from every pool and relevant list.
    // q0: e1 rank 1 → 1; q2: e2 rank 2 → 1/2. One relevant each: no rank gap, no cross-lingual pair.
    const { result, detail } = evaluate(undefined, ['en']);
    expect(detail.queryIds).toEqual(['q0', 'q2']);
    expect(result.candidateCount).toBe(3);
    expect(result.monolingual!.map).toBeCloseTo(3 / 4, 12);
    expect(result.multilingual.map).toBeCloseTo(3 / 4, 12);
    expect(result.crossLingual).toBeNull();
    expect(result.languageBias).toBeNull();
  });

  it('reports progress up to the number of evaluated queries', () => {
    const seen: [number, number][] = [];
    evaluateQuality({ queries, candidates, languages: ['en', 'de'], scores: matrixScores(scores), onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([3, 3]);
  });

  it('refuses a relevant id that is not a candidate', () => {
    const broken = [{ ...queries[0], relevant: ['e1', 'nope'] }];
    expect(() => evaluateQuality({ queries: broken, candidates, languages: ['en'], scores: matrixScores([scores[0]]) })).toThrow(XlirError);
  });
});

describe('evaluateQuality with dense embeddings', () => {
  it('agrees with a naive full-sort evaluation on random data with ties', () => {
    // 3 languages, 40 candidates, 24 queries in 8 groups; embeddings quantised so ties happen.
    const random = createRng(11);
    const langs = ['en', 'de', 'zh'];
    const dim = 3;
    const cands: Candidate[] = Array.from({ length: 40 }, (_, i) => ({ id: `c${i}`, lang: langs[i % 3], text: '' }));
    const qs: Query[] = Array.from({ length: 24 }, (_, i) => ({
      id: `q${i}`,
      lang: langs[i % 3],
      text: '',
      group: `g${Math.floor(i / 3)}`,
      relevant: cands.filter(() => random() < 0.1).map((c) => c.id),
    })).filter((q) => q.relevant.length > 0);
    const quantised = (n: number) => Float32Array.from({ length: n * dim }, () => Math.round(random() * 2) / 2);
    const qv = quantised(qs.length);
    const cv = quantised(cands.length);
    const { result } = evaluateQuality({ queries: qs, candidates: cands, queryEmbeddings: qv, candidateEmbeddings: cv, dim, languages: langs });

    const score = (q: number, c: number) => qv[q * dim] * cv[c * dim] + qv[q * dim + 1] * cv[c * dim + 1] + qv[q * dim + 2] * cv[c * dim + 2];
    /** AP of query q over `pool` by sorting it: score desc, irrelevant before relevant on ties, then index. */
    const naiveAp = (q: number, pool: number[]) => {
      const rel = new Set(qs[q].relevant.map((id) => Number(id.slice(1))));
      const sorted = [...pool].sort((a, b) => score(q, b) - score(q, a) || Number(rel.has(a)) - Number(rel.has(b)) || a - b);
      let hits = 0;
      let sum = 0;
      sorted.forEach((c, i) => {
        if (rel.has(c)) sum += ++hits / (i + 1);
      });
      return hits > 0 ? sum / hits : NaN;
    };
    const all = cands.map((_, c) => c);
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const pairMap = langs.map((x) =>
      langs.map((y) => {
        const aps = qs.flatMap((q, i) => (q.lang === x ? [naiveAp(i, all.filter((c) => cands[c].lang === y))] : [])).filter((v) => !Number.isNaN(v));
        return aps.length > 0 ? mean(aps) : null;
      }),
    );
    result.pairMatrix.map.forEach((row, x) => row.forEach((v, y) => (v === null ? expect(pairMap[x][y]).toBeNull() : expect(v).toBeCloseTo(pairMap[x][y]!, 12))));
    expect(result.multilingual.map).toBeCloseTo(mean(qs.map((_, i) => naiveAp(i, all))), 12);
  });
});
