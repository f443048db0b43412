import { describe, expect, it } from 'vitest';
import type { BatchSample } from '../../main/engine/latency/latency-sample.ts';
import { OfflineResultSchema, runOffline, type OfflineOptions } from '../../main/engine/latency/offline.ts';
import type { LatencyEvent } from '../../main/engine/latency/scenario.ts';
import { FakeProcessor } from './fake-processor.ts';
import { ManualClock } from './manual-clock.ts';

/** A batch costs 2 ms of fixed overhead plus 1 ms per query: bigger batches amortise the overhead. */
function setup(overrides: Partial<OfflineOptions> = {}) {
  const clock = new ManualClock();
  const processor = new FakeProcessor(clock, 10, (indices) => ({ tokenizeMs: 0.5, encodeMs: 1 + indices.length, searchMs: 0.5 }));
  const options: OfflineOptions = { clock, seed: 1, warmupQueries: 0, minQueries: 40, minDurationMs: 0, batchSizes: [1, 4], ...overrides };
  return { clock, processor, options };
}

describe('runOffline', () => {
  it('measures each batch size back to back and reports its throughput', async () => {
    const { processor, options } = setup();
    const result = await runOffline(processor, options);
    expect(result).toMatchObject({ scenario: 'offline', cancelled: false });
    expect(result.runs.map((r) => [r.batchSize, r.batches.length, r.queries])).toEqual([[1, 40, 40], [4, 10, 40]]);
    expect(result.runs.every((r) => !r.cancelled && r.minQueriesMet && r.minDurationMet)).toBe(true);
    const [one, four] = result.runs;
    expect(one.queriesPerSecond).toBeCloseTo(40 / 0.12, 9); // 40 batches × 3 ms
    expect(four.queriesPerSecond).toBeCloseTo(40 / 0.06, 9); // 10 batches × 6 ms
    expect(four.stages?.total.p50Ms).toBe(6);
    expect(four.stages?.encode.p50Ms).toBe(5);
    expect(four.measureStartMs).toBe(120);
  });

  it('records each batch with its queries and token counts', async () => {
    const { processor, options } = setup({ batchSizes: [4], minQueries: 8 });
    const [run] = (await runOffline(processor, options)).runs;
    run.batches.forEach((b, i) => {
      expect(b).toMatchObject({ seq: i, batchSize: 4, totalMs: 6, startMs: 6 * i });
      expect(b.queryIndices).toEqual(processor.calls[i]);
      expect(b.tokens).toBe(b.queryIndices.reduce((sum, q) => sum + FakeProcessor.tokensOf(q), 0));
      expect(b.maxTokens).toBe(Math.max(...b.queryIndices.map(FakeProcessor.tokensOf)));
    });
  });

  it('warms up every batch size, in whole batches, without recording it', async () => {
    const { processor, options } = setup({ warmupQueries: 6, minQueries: 4 });
    const result = await runOffline(processor, options);
    expect(result.runs.map((r) => r.warmup.queries)).toEqual([6, 8]); // 6 batches of 1, 2 batches of 4
    expect(result.runs.map((r) => r.batches.length)).toEqual([4, 1]);
    expect(processor.calls.map((c) => c.length)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4, 4]);
  });

  it('honours the minimum duration for each batch size', async () => {
    const { processor, options } = setup({ batchSizes: [4], minQueries: 1, minDurationMs: 100 });
    const [run] = (await runOffline(processor, options)).runs;
    expect(run.batches).toHaveLength(17); // ⌈100 / 6⌉
    expect(run).toMatchObject({ minQueriesMet: true, minDurationMet: true, durationMs: 102 });
  });

  it('meets a minimum duration that it reaches exactly', async () => {
    const { processor, options } = setup({ batchSizes: [4], minQueries: 1, minDurationMs: 12 });
    const [run] = (await runOffline(processor, options)).runs;
    expect(run).toMatchObject({ queries: 8, durationMs: 12, cancelled: false, minQueriesMet: true, minDurationMet: true });
  });

  it('starts the same seeded query order at every batch size', async () => {
    const { processor, options } = setup({ batchSizes: [2, 4], minQueries: 8 });
    const [two, four] = (await runOffline(processor, options)).runs;
    expect(two.batches.flatMap((b) => b.queryIndices)).toEqual(four.batches.flatMap((b) => b.queryIndices));
  });

  it('is described by its schema', async () => {
    const { processor, options } = setup({ warmupQueries: 2 });
    const result = await runOffline(processor, options);
    expect(OfflineResultSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
    expect(OfflineResultSchema.safeParse({ ...result, scenario: 'server' }).success).toBe(false);
  });

  it('tags events with the scenario, the phase and the batch size', async () => {
    const events: LatencyEvent<BatchSample>[] = [];
    const { processor, options } = setup({ warmupQueries: 4, cadence: { everyMs: 1e9, everySamples: 5 }, onEvent: (e) => events.push(e) });
    await runOffline(processor, options);
    const tags = (phase: string) => events.filter((e) => e.phase === phase).map((e) => [e.scenario, e.batchSize, e.samples.length]);
    expect(tags('warmup')).toEqual([['offline', 1, 0], ['offline', 4, 0]]);
    expect(tags('measure').map(([, size, n]) => [size, n])).toEqual([[1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 5], [1, 0], [4, 5], [4, 5], [4, 0]]);
    expect(tags('measure').every(([scenario]) => scenario === 'offline')).toBe(true);
    // Progress counts queries, not batches.
    expect(events.at(-1)?.progress).toMatchObject({ done: 40, target: 40, etaMs: 0 });
  });

  it('stops at the batch size in progress when cancelled, keeping what it measured', async () => {
    const controller = new AbortController();
    const { processor, options } = setup({ signal: controller.signal, batchSizes: [1, 4, 8] });
    processor.onCall = (n) => n === 40 + 3 && controller.abort(); // the third batch of 4
    const result = await runOffline(processor, options);
    expect(result.cancelled).toBe(true);
    expect(result.runs.map((r) => [r.batchSize, r.batches.length, r.cancelled])).toEqual([[1, 40, false], [4, 3, true]]);
    expect(result.runs.map((r) => [r.queries, r.minQueriesMet])).toEqual([[40, true], [12, false]]);
  });

  it('is cancelled when the last batch size is, though every batch size has started', async () => {
    const controller = new AbortController();
    const { processor, options } = setup({ signal: controller.signal });
    processor.onCall = (n) => n === 40 + 2 && controller.abort();
    const result = await runOffline(processor, options);
    expect(result.runs.map((r) => [r.batchSize, r.cancelled])).toEqual([[1, false], [4, true]]);
    expect(result.cancelled).toBe(true);
  });

  it('is cancelled, without starting the next batch size, when cancelled as one batch size completes', async () => {
    const controller = new AbortController();
    const { processor, options } = setup({ signal: controller.signal, minDurationMs: 100 });
    processor.onCall = (n) => n === 34 && controller.abort(); // the batch of size 1 that reaches 102 ms
    const result = await runOffline(processor, options);
    expect(result.runs.map((r) => [r.batchSize, r.queries, r.cancelled, r.minDurationMet])).toEqual([[1, 34, true, true]]);
    expect(result.runs[0].minQueriesMet).toBe(false);
    expect(result.cancelled).toBe(true);

    const atEnd = new AbortController();
    const late = setup({ signal: atEnd.signal });
    late.processor.onCall = (n) => n === 40 && atEnd.abort(); // the last batch of size 1: that size is complete
    const stopped = await runOffline(late.processor, late.options);
    expect(stopped.runs.map((r) => [r.batchSize, r.queries, r.cancelled])).toEqual([[1, 40, false]]);
    expect(stopped.cancelled).toBe(true);
    expect(late.processor.calls).toHaveLength(40);
  });

  it('emits no measurement event for a batch size cancelled during its warm-up', async () => {
    const events: LatencyEvent<BatchSample>[] = [];
    const controller = new AbortController();
    const { processor, options } = setup({ batchSizes: [4], warmupQueries: 8, minDurationMs: 50, signal: controller.signal, onEvent: (e) => events.push(e) });
    processor.onCall = (n) => n === 1 && controller.abort();
    const result = await runOffline(processor, options);
    expect(result.runs[0]).toMatchObject({ batches: [], queries: 0, stages: null, queriesPerSecond: null, durationMs: 0, measureStartMs: 6, cancelled: true });
    expect(result.runs[0]).toMatchObject({ minQueriesMet: false, minDurationMet: false });
    expect(events.filter((e) => e.phase === 'measure')).toEqual([]);
  });

  it('rejects a batch size that is not a positive integer, before measuring anything', async () => {
    for (const bad of [0, -2, 1.5]) {
      const { processor, options } = setup({ batchSizes: [4, bad] });
      await expect(runOffline(processor, options)).rejects.toThrow(new RangeError(`batch sizes must be positive integers, got ${bad}`));
      expect(processor.calls).toHaveLength(0);
    }
  });
});
