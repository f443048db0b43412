import { describe, expect, it } from 'vitest';
import { compareModels } from '../../main/engine/run/compare-models.ts';
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
