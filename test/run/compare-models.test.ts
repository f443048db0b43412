import { describe, expect, it } from 'vitest';
import type { MeasuredBlock } from '../../main/engine/latency/interleaved.ts';
import { compareModels, comparisonPairs, pairedRounds } from '../../main/engine/run/compare-models.ts';
import type { ModelRun, RunResult } from '../../main/engine/run/run-result.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

/** Splits a trace into `rounds` equal blocks, as an interleaved run records them. */
function withBlocks(result: RunResult, rounds: number): ModelRun[] {
  const blocksOf = (n: number): MeasuredBlock[] => Array.from({ length: rounds }, (_, round) => ({ round, start: (round * n) / rounds, count: n / rounds, startMs: round * 100, durationMs: 50 }));
  return result.models.map((m) => {
    const l = m.latency;
    if (l.scenario === 'offline') return { ...m, latency: { ...l, runs: l.runs.map((r) => ({ ...r, blocks: blocksOf(r.batches.length) })) } };
    return { ...m, latency: { ...l, blocks: blocksOf(l.samples.length) } };
  });
}

describe('comparing a baseline with its hybrid', () => {
  it('forms the latency interval across the interleaved rounds of every scenario', () => {
    for (const scenario of ['single-stream', 'offline', 'server'] as const) {
      const result = syntheticResult({ scenario, samples: 320, factors: [1, 1.3] });
      const [comparison] = compareModels(withBlocks(result, 10), new Map(), result.config);
      expect(comparison.latency?.method).toBe('paired-rounds');
      expect(comparison.latency?.roundRatios).toHaveLength(10);
      expect(comparison.latency?.verdict).toMatch(/synthetic-hybrid is \d+\.\d% slower \(95% CI .*, 10 paired rounds\)$/);
      expect(comparison.summary).not.toMatch(/latency note/);
    }
  });

  it('pairs blocks by round and drops rounds one side lacks', () => {
    const block = (round: number, start: number, count: number): MeasuredBlock => ({ round, start, count, startMs: 0, durationMs: 1 });
    const samples = [1, 2, 3, 4, 5, 6].map((totalMs) => ({ tokenizeMs: 0, encodeMs: totalMs, searchMs: 0, totalMs }));
    const pairs = pairedRounds({ samples, blocks: [block(0, 0, 2), block(1, 2, 2), block(2, 4, 2)] }, { samples, blocks: [block(1, 0, 3), block(2, 3, 0), block(3, 3, 3)] });
    expect(pairs.map((p) => [p.baseline.map((s) => s.totalMs), p.candidate.map((s) => s.totalMs)])).toEqual([[[3, 4], [1, 2, 3]]]);
    expect(pairedRounds({ samples }, { samples, blocks: [] })).toEqual([]);
  });

  it('falls back to the bootstrap of queries without rounds, and says the interval then ignores drift', () => {
    const result = syntheticResult({ scenario: 'server', samples: 300 });
    const [comparison] = compareModels(result.models, new Map(), result.config);
    expect(comparison.latency?.method).toBe('independent-bootstrap');
    expect(comparison.summary).toMatch(/latency note: only 0 round\(s\) measured both models, too few for an interval across rounds; this interval treats queries as independent/);
  });

  it('withholds a difference on a busy machine: "inconclusive"', () => {
    const result = syntheticResult({ samples: 300, factors: [1, 1.3] });
    const [comparison] = compareModels(withBlocks(result, 10), new Map(), result.config, 'the machine was busy (others took 70% of the CPU)');
    expect(comparison.latency?.inconclusive).toBe('the machine was busy (others took 70% of the CPU)');
    expect(comparison.summary).toMatch(/^latency: inconclusive: the machine was busy \(others took 70% of the CPU\); measured: synthetic-hybrid p50/);
  });

  it("takes the run's practical threshold and names where it came from", () => {
    const result = syntheticResult({ samples: 300 });
    const config = { ...result.config, practicalThreshold: { fraction: 0.04, source: "this machine's noise floor" } };
    const [comparison] = compareModels(withBlocks(result, 10), new Map(), config);
    expect(comparison.latency).toMatchObject({ practicalThreshold: 0.04, practicalThresholdSource: "this machine's noise floor" });
    expect(comparison.latency?.verdict).toMatch(/practically equal \(\|ratio − 1\| < 4%\)|under 4%|differs by 4% or more/);
  });
});

describe('which models are paired', () => {
  const models = (specs: [name: string, family: string, checkpoint: 'baseline' | 'hybrid' | 'other', variant?: string][]) => {
    const runs = syntheticResult({ models: specs.map(([name]) => name), samples: 10 }).models;
    return runs.map((m, i) => {
      const [name, family, checkpoint, variant] = specs[i];
      return { ...m, dir: `/models/${name.split('@')[0]}`, manifest: { ...m.manifest, name: name.split('@')[0], family, checkpoint }, ...(variant && { variant: { name: variant } }) };
    });
  };
  const names = (pairs: [ModelRun, ModelRun][]) => pairs.map(([a, b]) => `${a.name}:${b.name}`);

  it('pairs each hybrid with the baseline of its family, also beside another pair', () => {
    const { pairs, notes } = comparisonPairs(models([['mini-baseline', 'mini', 'baseline'], ['mini-hybrid', 'mini', 'hybrid'], ['labse-baseline', 'labse', 'baseline'], ['labse-hybrid', 'labse', 'hybrid']]));
    expect(names(pairs)).toEqual(['mini-baseline:mini-hybrid', 'labse-baseline:labse-hybrid']);
    expect(notes).toEqual([]);
  });

  it('pairs within one precision: int8 with int8', () => {
    const { pairs } = comparisonPairs(models([['a', 'f', 'baseline'], ['a@int8', 'f', 'baseline', 'int8'], ['b', 'f', 'hybrid'], ['b@int8', 'f', 'hybrid', 'int8']]));
    expect(names(pairs)).toEqual(['a:b', 'a@int8:b@int8']);
  });

  it('takes --pair over families, by name or folder name', () => {
    const runs = models([['one', 'x', 'other'], ['two', 'y', 'other'], ['three', 'z', 'hybrid']]);
    expect(names(comparisonPairs(runs, [{ baseline: 'two', candidate: 'one' }]).pairs)).toEqual(['two:one']);
    expect(names(comparisonPairs(runs, [{ baseline: '/models/three', candidate: 'one' }]).pairs)).toEqual(['three:one']);
  });

  it('says when a hybrid has no baseline, and when models are compared only in the order given', () => {
    const lone = comparisonPairs(models([['h', 'fam', 'hybrid'], ['x', 'other-fam', 'baseline'], ['y', 'y', 'other']]));
    expect(lone.pairs).toEqual([]);
    expect(lone.notes.join('\n')).toMatch(/h: no baseline of family "fam"/);
    expect(lone.notes.join('\n')).toMatch(/No comparison: .*--pair/);
    const two = comparisonPairs(models([['p', 'a', 'other'], ['q', 'b', 'other']]));
    expect(names(two.pairs)).toEqual(['p:q']);
    expect(two.notes).toEqual([expect.stringMatching(/q is compared with p in the order given: .*--pair BASELINE:HYBRID/)]);
  });
});
