import { describe, expect, it } from 'vitest';
import type { Candidate, Query } from '../../main/engine/datasets/retrieval-dataset.ts';
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
  it('gives the pair matrix and the macro-averaged monolingual and cross-lingual mAP', () => {
    const { result } = evaluate();
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
    const { result } = evaluate();
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
    const { result } = evaluate();
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
    const { detail } = evaluate();
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
    const { result } = evaluate();
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

describe('evaluateQuality on sparse relevance (hand-computed)', () => {
  // Three languages, four candidates: e1, e2 (en), d1 (de), z1 (zh).
  const sparseCandidates: Candidate[] = [
    { id: 'e1', lang: 'en', text: '' },
    { id: 'e2', lang: 'en', text: '' },
    { id: 'd1', lang: 'de', text: '' },
    { id: 'z1', lang: 'zh', text: '' },
  ];
  const sparseQueries: Query[] = [
    { id: 'qa', lang: 'en', text: '', group: 'A', relevant: ['d1', 'z1'] }, // no answer in its own language
    { id: 'qb', lang: 'de', text: '', group: 'A', relevant: [] }, // no answer at all
    { id: 'qc', lang: 'zh', text: '', group: 'B', relevant: ['z1', 'e1', 'z1'] }, // unsorted, repeated
    { id: 'qd', lang: 'en', text: '', group: 'C', relevant: ['z1', 'e2'] },
  ];
  //                  e1   e2   d1   z1
  const sparseScores = [
    [0.9, 0.7, 0.8, 0.6], // qa: pooled e1 d1 e2 z1 → d1 2, z1 4: AP (1/2 + 2/4)/2 = 1/2, gap 2
    [0.1, 0.2, 0.3, 0.4],
    [0.7, 0.8, 0.2, 0.75], // qc: pooled e2 z1 e1 d1 → z1 2, e1 3: AP (1/2 + 2/3)/2 = 7/12, gap 1, best z1 (own)
    [0.1, 0.9, 0.2, 0.3], // qd: pooled e2 z1 d1 e1 → e2 1, z1 2: AP 1, gap 1, best e2 (own, the lower index)
  ];
  // Evaluated inside each test, not once at file load: mutation testing (stryker.config.mjs) cannot
  // tell which test checks what code runs at load, and reports its mutants as survivors.
  const evaluateSparse = () => evaluateQuality({ queries: sparseQueries, candidates: sparseCandidates, languages: ['en', 'de', 'zh'], scores: matrixScores(sparseScores) });

  it('leaves pairs without queries out of the matrix and the macro averages', () => {
    const { result } = evaluateSparse();
    // qa: en→de d1 rank 1, en→zh z1 rank 1. qc: zh→en e1 behind e2 (1/2), zh→zh z1 rank 1.
    // qd: en→en e2 rank 1, en→zh z1 rank 1. Nobody asks in de.
    expect(result.pairMatrix.map).toEqual([
      [1, 1, 1],
      [null, null, null],
      [0.5, null, 1],
    ]);
    expect(result.monolingual).toMatchObject({ map: 1, pairs: 2 });
    expect(result.crossLingual!.map).toBeCloseTo(5 / 6, 12);
    expect(result.crossLingual!.pairs).toBe(3);
  });

  it('counts a query without any relevant candidate as evaluated but scores nothing for it', () => {
    const { result, detail } = evaluateSparse();
    expect(result.queryCount).toBe(4);
    expect(result.multilingual.queries).toBe(3);
    expect(result.multilingual.map).toBeCloseTo((1 / 2 + 7 / 12 + 1) / 3, 12);
    expect(Array.from(detail.pairAp.subarray(3, 6))).toEqual([NaN, NaN, NaN]);
    expect([detail.multilingualAp[1], detail.rankGap[1]]).toEqual([NaN, NaN]);
    expect(Array.from(detail.pairAp.subarray(0, 3))).toEqual([NaN, 1, 1]);
  });

  it('reads unsorted, repeated relevant ids as the set of their candidates', () => {
    const { detail } = evaluateSparse();
    expect(detail.multilingualAp[2]).toBeCloseTo(7 / 12, 12);
    expect(Array.from(detail.pairAp.subarray(6, 9))).toEqual([0.5, NaN, 1]);
    expect(Array.from(detail.rankGap)).toEqual([2, NaN, 1, 1]);
  });

  it('reads unsorted relevant ids the same under either tie rule (ties between relevant and irrelevant candidates)', () => {
    // The toy's q1 ties e1, e2 and d1; listing its answers backwards changes nothing.
    const backwards = queries.map((q) => ({ ...q, relevant: [...q.relevant].reverse() }));
    for (const ties of ['pessimistic', 'candidate-order'] as const) {
      const run = (qs: Query[]) => evaluateQuality({ queries: qs, candidates, languages: ['en', 'de'], scores: matrixScores(scores), ties });
      expect(run(backwards)).toEqual(run(queries));
    }
  });

  it('judges same-language-first only on queries with an answer in their own language', () => {
    const { result } = evaluateSparse();
    const bias = result.languageBias!;
    // qa (no en answer) is left out; the best answers of qc (z1) and qd (e2) are their own: 2 of 2.
    expect(bias.sameLanguageFirstRate).toBe(1);
    expect(bias.meanMaxMinRankGap).toBeCloseTo(4 / 3, 12);
    expect(bias.medianMaxMinRankGap).toBe(1);
    // Pooled ranks of answers: en e1 3 (qc), e2 1 (qd); de d1 2 (qa); zh z1 4 (qa), 2 (qc), 2 (qd).
    expect(bias.meanRankByLanguage).toEqual({ en: 2, de: 2, zh: 8 / 3 });
    expect(bias.queries).toBe(3);
  });

  it('has no same-language-first rate when no query has an answer in its own language', () => {
    const { result: onlyQa } = evaluateQuality({
      queries: [sparseQueries[0]],
      candidates: sparseCandidates,
      languages: ['en', 'de', 'zh'],
      scores: matrixScores([sparseScores[0]]),
    });
    expect(onlyQa.languageBias).toMatchObject({ sameLanguageFirstRate: null, meanMaxMinRankGap: 2 });
    // Only the languages that hold an answer have a mean rank.
    expect(onlyQa.languageBias!.meanRankByLanguage).toEqual({ de: 2, zh: 4 });
    expect(onlyQa.monolingual).toBeNull();
  });
});

describe('evaluateQuality with --langs leaving gaps between the evaluated queries', () => {
  // Candidates e1, e2, e3 (en) and d1 (de); queries en, de, de, en, en: evaluating en alone scores
  // queries 0, 3 and 4, each against its own row. Any other row would give another AP.
  const gapCandidates: Candidate[] = ['e1', 'e2', 'e3'].map((id) => ({ id, lang: 'en', text: '' }));
  gapCandidates.push({ id: 'd1', lang: 'de', text: '' });
  const gapQueries: Query[] = [
    { id: 'q0', lang: 'en', text: '', group: 'A', relevant: ['e1'] },
    { id: 'q1', lang: 'de', text: '', group: 'A', relevant: ['d1'] },
    { id: 'q2', lang: 'de', text: '', group: 'B', relevant: ['d1'] },
    { id: 'q3', lang: 'en', text: '', group: 'B', relevant: ['e2'] },
    { id: 'q4', lang: 'en', text: '', group: 'C', relevant: ['e3'] },
  ];
  //                e1   e2   e3   d1
  const gapScores = [
    [0.9, 0.1, 0.2, 0.5], // q0: e1 rank 1 → 1
    [0.1, 0.9, 0.2, 0.0],
    [0.9, 0.1, 0.8, 0.0],
    [0.5, 0.6, 0.9, 0.0], // q3: e2 rank 2 → 1/2
    [0.9, 0.8, 0.1, 0.0], // q4: e3 rank 3 → 1/3
  ];

  it('scores the queries after a language gap against their own rows, in blocks of consecutive queries', () => {
    const blocks: [number, number][] = [];
    const source = matrixScores(gapScores);
    const progress: [number, number][] = [];
    const { result, detail } = evaluateQuality({
      queries: gapQueries,
      candidates: gapCandidates,
      languages: ['en'],
      scores: { ...source, scoreBlock: (start, end, out) => (blocks.push([start, end]), source.scoreBlock(start, end, out)) },
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(detail.queryIds).toEqual(['q0', 'q3', 'q4']);
    expect(Array.from(detail.pairAp)).toEqual([1, 1 / 2, 1 / 3]);
    expect(result.monolingual!.map).toBeCloseTo(11 / 18, 12);
    expect(blocks).toEqual([[0, 1], [3, 5]]);
    expect(progress).toEqual([[1, 3], [3, 3]]);
  });

  it('splits a long run of consecutive queries into blocks of at most 64', () => {
    const many: Query[] = Array.from({ length: 70 }, (_, i) => ({ id: `q${i}`, lang: 'en', text: '', group: `g${i}`, relevant: ['e1'] }));
    const progress: number[] = [];
    const { result } = evaluateQuality({
      queries: many,
      candidates: gapCandidates,
      languages: ['en'],
      scores: matrixScores(many.map(() => gapScores[0])),
      onProgress: (done) => progress.push(done),
    });
    expect(progress).toEqual([64, 70]);
    expect(result.monolingual!.map).toBe(1);
  });

  it('scores 32 MiB of a large pool at a time: 41 queries of 100,000 candidates', () => {
    // ⌊32 MiB / (8 bytes × 100,000)⌋ = 41 queries a block. Candidate i scores −i; each query's answer is c0.
    const n = 100_000;
    const pool: Candidate[] = Array.from({ length: n }, (_, i) => ({ id: `c${i}`, lang: 'en', text: '' }));
    const asked: Query[] = Array.from({ length: 45 }, (_, i) => ({ id: `q${i}`, lang: 'en', text: '', group: `g${i}`, relevant: ['c0'] }));
    const descending: ScoreSource = {
      queryCount: asked.length,
      candidateCount: n,
      scoreBlock(start, end, out) {
        for (let q = 0; q < end - start; q++) for (let c = 0; c < n; c++) out[q * n + c] = -c;
      },
    };
    const progress: number[] = [];
    const { result } = evaluateQuality({ queries: asked, candidates: pool, languages: ['en'], scores: descending, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([41, 45]);
    expect(result.multilingual.map).toBe(1);
  });

  it('stops after the block in progress once aborted, with the abort reason', () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = () =>
      evaluateQuality({
        queries: gapQueries,
        candidates: gapCandidates,
        languages: ['en', 'de'],
        scores: matrixScores(gapScores),
        signal: controller.signal,
        onProgress: (done) => {
          seen.push(done);
          controller.abort(new Error('stopped by the user'));
        },
      });
    expect(run).toThrow('stopped by the user');
    expect(seen).toEqual([5]);
  });
});

describe('evaluateQuality refuses input it cannot evaluate, saying why', () => {
  it('refuses no languages or a language twice', () => {
    expect(() => evaluate(undefined, [])).toThrow(/languages must be non-empty and distinct, got \[\]/);
    expect(() => evaluate(undefined, ['en', 'en'])).toThrow(/languages must be non-empty and distinct, got \[en, en\]/);
  });

  it('refuses scores that do not cover the dataset', () => {
    const short = () => evaluateQuality({ queries, candidates, languages: ['en'], scores: matrixScores(scores.slice(0, 2)) });
    expect(short).toThrow(/scores cover 2 queries × 5 candidates, the dataset has 3 × 5/);
    const narrow = () => evaluateQuality({ queries, candidates, languages: ['en'], scores: matrixScores(scores.map((row) => row.slice(1))) });
    expect(narrow).toThrow(/scores cover 3 queries × 4 candidates/);
  });

  it('refuses a candidate id listed twice', () => {
    const twice = [...candidates, { id: 'e2', lang: 'de', text: '' }];
    const run = () => evaluateQuality({ queries, candidates: twice, languages: ['en'], scores: matrixScores(scores.map((r) => [...r, 0])) });
    expect(run).toThrow(/candidate id "e2" appears twice in the candidate pool/);
    expect(run).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
  });

  it('refuses a relevant id missing from the pool, naming both', () => {
    const broken = [{ ...queries[0], relevant: ['e1', 'nope'] }];
    const run = () => evaluateQuality({ queries: broken, candidates, languages: ['en'], scores: matrixScores([scores[0]]) });
    expect(run).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
    expect(run).toThrow(/query "q0" lists relevant candidate "nope", which is not in the candidate pool/);
  });

  it('refuses a selection in which no query has an answer', () => {
    const noAnswers = queries.map((q) => ({ ...q, relevant: ['d1'] }));
    const run = () => evaluateQuality({ queries: noAnswers, candidates, languages: ['en'], scores: matrixScores(scores) });
    expect(run).toThrow(expect.objectContaining({ code: 'DATASET_INVALID' }));
    expect(run).toThrow(/no query in en has a relevant candidate in those languages: there is nothing to evaluate/);
    const unanswered = queries.map((q) => ({ ...q, relevant: [] }));
    expect(() => evaluateQuality({ queries: unanswered, candidates, languages: ['de', 'en'], scores: matrixScores(scores) })).toThrow(/no query in de, en has/);
  });
});
