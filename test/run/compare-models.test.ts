import { describe, expect, it } from 'vitest';
import { compareModels, comparisonPairs } from '../../main/engine/run/compare-models.ts';
import type { ModelRun } from '../../main/engine/run/run-result.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

describe('comparing a baseline with its hybrid', () => {
  const verdictFor = (scenario: 'single-stream' | 'offline' | 'server') => {
    const result = syntheticResult({ scenario, samples: 300 });
    const [comparison] = compareModels(result.models, new Map(), result.config);
    expect(comparison.latency).not.toBeNull();
    return comparison.summary;
  };

  it('warns that offline and server latency differences include drift, as those scenarios are not interleaved', () => {
    for (const scenario of ['offline', 'server'] as const) {
      expect(verdictFor(scenario)).toMatch(new RegExp(`latency note: ${scenario} measures one model after the other`));
    }
    expect(verdictFor('single-stream')).not.toMatch(/latency note/);
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
