import { describe, expect, it } from 'vitest';
import { summarizeBy } from '../../main/engine/latency/grouped-summary.ts';
import type { LatencySample } from '../../main/engine/latency/latency-sample.ts';
import { stageShares, summarizeStages } from '../../main/engine/latency/stage-breakdown.ts';

const sample = (seq: number, lang: string, tokens: number, totalMs: number, queueMs?: number): LatencySample => ({
  seq, queryIndex: seq, lang, tokens, tokenizeMs: 1, encodeMs: totalMs - 2, searchMs: 0.5, totalMs, startMs: seq * 10,
  ...(queueMs !== undefined && { queueMs }),
});

describe('stageShares', () => {
  it('gives mean milliseconds per stage and each stage\'s share of the total (hand-computed)', () => {
    // Totals 4 and 8: means tokenize 1, encode 4, search 0.5, total 6, other 0.5.
    expect(stageShares([sample(0, 'en', 5, 4), sample(1, 'en', 5, 8)])).toEqual({
      meanMs: { tokenize: 1, encode: 4, search: 0.5, other: 0.5, total: 6 },
      share: { tokenize: 1 / 6, encode: 4 / 6, search: 0.5 / 6, other: 0.5 / 6 },
    });
    expect(stageShares([])).toBeNull();
  });
});

describe('summarizeStages', () => {
  it('summarises each stage, and the queue only where every sample has one', () => {
    const stages = summarizeStages([sample(0, 'en', 5, 4), sample(1, 'en', 5, 8)])!;
    expect(stages.total).toMatchObject({ count: 2, minMs: 4, maxMs: 8 });
    expect(stages.encode).toMatchObject({ minMs: 2, maxMs: 6 });
    expect(stages.queue).toBeUndefined();
    expect(summarizeStages([sample(0, 'en', 5, 4, 0), sample(1, 'en', 5, 8, 3)])!.queue).toMatchObject({ minMs: 0, maxMs: 3 });
    expect(summarizeStages([])).toBeNull();
  });
});

describe('summarizeBy', () => {
  it('summarises total latency per language and per token count, sorted by key', () => {
    const samples = [sample(0, 'th', 30, 9), sample(1, 'en', 10, 3), sample(2, 'th', 30, 11), sample(3, 'en', 12, 5)];
    const byLang = summarizeBy(samples, (s) => s.lang);
    expect(byLang.map((g) => [g.key, g.summary.count, g.summary.meanMs])).toEqual([['en', 2, 4], ['th', 2, 10]]);
    const byTokens = summarizeBy(samples, (s) => s.tokens);
    expect(byTokens.map((g) => [g.key, g.summary.p50Ms])).toEqual([[10, 3], [12, 5], [30, 9]]);
  });

  it('leaves out samples without a key', () => {
    const samples = [sample(0, 'en', 10, 3), { ...sample(1, 'en', 10, 4), lang: undefined }];
    expect(summarizeBy(samples, (s) => s.lang).map((g) => g.summary.count)).toEqual([1]);
  });
});
