import { describe, expect, it } from 'vitest';
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import type { RunEvent } from '../../main/engine/run/run-events.ts';
import { runBenchmark } from '../../main/engine/run/run-benchmark.ts';
import { quickConfig, tinyModelCopy } from './fixtures.ts';

/** Runs the benchmark in this thread, aborting the moment `cancelOn` first matches an event. */
async function runCancelledAt(cancelOn: (e: RunEvent) => boolean) {
  const model = tinyModelCopy({ name: 'tiny-baseline', checkpoint: 'baseline' });
  const controller = new AbortController();
  const events: RunEvent[] = [];
  const result = await runBenchmark(RunConfigSchema.parse(quickConfig([model])), {
    signal: controller.signal,
    emit: (e) => {
      events.push(e);
      if (!controller.signal.aborted && cancelOn(e)) controller.abort();
    },
  });
  return { result, events };
}

describe('cancelling a run in its preparation phases', () => {
  it('during the model quality evaluation: the model is kept, without quality, and says why', async () => {
    const { result, events } = await runCancelledAt((e) => e.type === 'progress' && e.phase === 'quality');
    expect(result.status).toBe('cancelled');
    expect(result.lexicalFloor).not.toBeNull();
    expect(result.models).toHaveLength(1);
    expect(result.models[0].quality).toBeNull();
    expect(result.models[0].qualityNote).toMatch(/cancelled during the quality evaluation/);
    // The latency phase then returns at once: nothing is measured after a cancel.
    expect(events.some((e) => e.type === 'latency' && e.samples.length > 0)).toBe(false);
  });

  it('while encoding the candidate pool: stops between batches, and the model is left out', async () => {
    const { result, events } = await runCancelledAt((e) => e.type === 'progress' && e.phase === 'encode-candidates');
    expect(result.status).toBe('cancelled');
    const encoded = events.filter((e) => e.type === 'progress' && e.phase === 'encode-candidates');
    expect(encoded).toHaveLength(1);
    expect(result.models).toEqual([]);
  });
});
