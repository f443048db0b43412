import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../main/engine/datasets/registry.ts';
import { evaluateQuality } from '../../main/engine/metrics/evaluate-quality.ts';
import { tfidfChar3ScoreSource } from '../../main/engine/retrieval/tfidf-char3.ts';
import { dataDir } from '../run/fixtures.ts';

// The sanity anchor of the metric implementation: RESEARCH.md's lexical floor on the full
// XQuAD-R (11 languages, 13,090 queries, 13,014 candidates). Its figures were computed with ties
// broken by candidate order; they are reproduced to every printed digit. Under the default
// pessimistic rule, the cross-lingual and multilingual figures and the bias come out lower /
// higher, because TF-IDF ties (score 0, no shared 3-gram) are frequent there. ~10 s.
describe('char-3-gram TF-IDF on the full XQuAD-R', async () => {
  const { dataset } = await loadDataset({ name: 'xquad-r', dataDir });
  const scores = tfidfChar3ScoreSource(dataset.queries.map((q) => q.text), dataset.candidates.map((c) => c.text));
  const evaluate = (ties: 'candidate-order' | 'pessimistic') =>
    evaluateQuality({ queries: dataset.queries, candidates: dataset.candidates, languages: dataset.languages, scores, ties }).result;

  it('reproduces RESEARCH.md: mono 0.742 (en 0.768, zh 0.680), cross 0.132, multi 0.092, bias 11,334', () => {
    const r = evaluate('candidate-order');
    expect([r.queryCount, r.candidateCount]).toEqual([13090, 13014]);
    expect(r.monolingual!.map).toBeCloseTo(0.742, 3);
    expect(r.pairMatrix.map[r.languages.indexOf('en')][r.languages.indexOf('en')]).toBeCloseTo(0.768, 3);
    expect(r.pairMatrix.map[r.languages.indexOf('zh')][r.languages.indexOf('zh')]).toBeCloseTo(0.68, 3);
    expect(r.crossLingual!.map).toBeCloseTo(0.132, 3);
    expect(r.crossLingual!.pairs).toBe(110);
    expect(r.multilingual.map).toBeCloseTo(0.092, 3);
    expect(r.languageBias!.meanMaxMinRankGap).toBeCloseTo(11334, 0);
  });

  it('gives the stricter floor under pessimistic ties', () => {
    const r = evaluate('pessimistic');
    expect(r.monolingual!.map).toBeCloseTo(0.74206, 5);
    expect(r.crossLingual!.map).toBeCloseTo(0.12587, 5);
    expect(r.multilingual.map).toBeCloseTo(0.09128, 5);
    expect(r.languageBias!.meanMaxMinRankGap).toBeCloseTo(12135.96, 2);
    expect(r.languageBias!.sameLanguageFirstRate).toBeCloseTo(0.96700, 5);
  });
});
