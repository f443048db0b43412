import { describe, expect, it } from 'vitest';
import type { LatencySample } from '../../main/engine/latency/latency-sample.ts';
import { percentileOfSorted, sortedCopy } from '../../main/engine/latency/percentiles.ts';
import type { LatencyEvent, ScenarioOptions } from '../../main/engine/latency/scenario.ts';
import { runSingleStream } from '../../main/engine/latency/single-stream.ts';
import { constantStages, FakeProcessor } from './fake-processor.ts';
import { ManualClock } from './manual-clock.ts';

function setup(queryCount = 8, overrides: Partial<ScenarioOptions<LatencySample>> = {}) {
  const clock = new ManualClock();
  const processor = new FakeProcessor(clock, queryCount, constantStages);
  const options: ScenarioOptions<LatencySample> = { clock, seed: 1, warmupQueries: 0, minQueries: 10, minDurationMs: 0, ...overrides };
  return { clock, processor, options };
}

describe('runSingleStream', () => {
  it('records each query with its stage times, tokens, language and start time', async () => {
    const { processor, options } = setup(8, { warmupQueries: 2 });
    const result = await runSingleStream(processor, options);
    expect(result.samples).toHaveLength(10);
    result.samples.forEach((s, i) => {
      expect(s.seq).toBe(i);
      expect(s).toMatchObject({ tokenizeMs: 1, encodeMs: 2, searchMs: 0.5, totalMs: 3.5 });
      expect(s.tokens).toBe(FakeProcessor.tokensOf(s.queryIndex));
      expect(s.lang).toBe(s.queryIndex % 2 === 0 ? 'en' : 'th');
      // Two warm-up queries of 3.5 ms come first; then one query every 3.5 ms.
      expect(s.startMs).toBe(7 + 3.5 * i);
      expect(s.queueMs).toBeUndefined();
    });
    expect(result.measureStartMs).toBe(7);
    expect(result.durationMs).toBe(35);
    expect(result.throughputQps).toBeCloseTo(10 / 0.035, 9);
    expect(result.stages?.total.p50Ms).toBe(3.5);
    expect(result).toMatchObject({ scenario: 'single-stream', cancelled: false, minQueriesMet: true, minDurationMet: true });
  });

  it('issues nothing for a run length of zero', async () => {
    const { processor, options } = setup(8, { minQueries: 0 });
    const result = await runSingleStream(processor, options);
    expect(processor.calls).toEqual([]);
    expect(result).toMatchObject({ samples: [], cancelled: false, minQueriesMet: true, minDurationMet: true, throughputQps: null });
  });

  it('runs the warm-up first and never records it', async () => {
    const { processor, options } = setup(8, { warmupQueries: 5, minQueries: 3 });
    const result = await runSingleStream(processor, options);
    expect(processor.calls).toHaveLength(8);
    expect(result.warmup).toEqual({ queries: 5, durationMs: 17.5 });
    expect(result.samples.map((s) => s.queryIndex)).toEqual(processor.calls.slice(5).map((c) => c[0]));
  });

  it('warms up until BOTH the warm-up count and duration are reached', async () => {
    const { processor, options } = setup(8, { warmupQueries: 1, warmupMs: 20, minQueries: 1 });
    const result = await runSingleStream(processor, options);
    expect(result.warmup.queries).toBe(6); // ⌈20 / 3.5⌉
  });

  it('stops at the minimum count when the minimum duration is already reached', async () => {
    const { processor, options } = setup(8, { minQueries: 20, minDurationMs: 50 });
    const result = await runSingleStream(processor, options);
    expect(result.samples).toHaveLength(20); // 70 ms ≥ 50 ms
  });

  it('keeps going until the minimum duration when the count is reached first', async () => {
    const { processor, options } = setup(8, { minQueries: 3, minDurationMs: 1000 });
    const result = await runSingleStream(processor, options);
    expect(result.samples).toHaveLength(286); // ⌈1000 / 3.5⌉
    expect(result.durationMs).toBeGreaterThanOrEqual(1000);
    expect(result.durationMs - 3.5).toBeLessThan(1000);
  });

  it('meets a minimum duration that it reaches exactly', async () => {
    // Ten queries of 3.5 ms are exactly 35 ms.
    const { processor, options } = setup(8, { minQueries: 1, minDurationMs: 35 });
    const result = await runSingleStream(processor, options);
    expect(result.samples).toHaveLength(10);
    expect(result).toMatchObject({ durationMs: 35, cancelled: false, minQueriesMet: true, minDurationMet: true });
  });

  it('cycles over the query set in reshuffled passes: each query equally often', async () => {
    const { processor, options } = setup(4, { minQueries: 12 });
    const result = await runSingleStream(processor, options);
    const indices = result.samples.map((s) => s.queryIndex);
    for (let pass = 0; pass < 3; pass++) expect([...indices.slice(pass * 4, pass * 4 + 4)].sort()).toEqual([0, 1, 2, 3]);
  });

  it('issues the same query sequence for the same seed, another for another seed', async () => {
    const order = async (seed: number) => {
      const { processor, options } = setup(50, { seed, minQueries: 30 });
      return (await runSingleStream(processor, options)).samples.map((s) => s.queryIndex);
    };
    expect(await order(3)).toEqual(await order(3));
    expect(await order(3)).not.toEqual(await order(4));
  });

  it('returns the samples measured so far when cancelled, marked cancelled', async () => {
    const controller = new AbortController();
    const { processor, options } = setup(8, { warmupQueries: 2, minQueries: 100, signal: controller.signal });
    processor.onCall = (n) => n === 2 + 7 && controller.abort(); // during the 7th measured query
    const result = await runSingleStream(processor, options);
    expect(result.samples).toHaveLength(7);
    expect(result).toMatchObject({ cancelled: true, minQueriesMet: false, minDurationMet: true, durationMs: 24.5 });
    expect(result.stages?.total.count).toBe(7);
  });

  it('says which limit a cancelled run missed', async () => {
    const controller = new AbortController();
    const { processor, options } = setup(8, { minQueries: 3, minDurationMs: 100, signal: controller.signal });
    processor.onCall = (n) => n === 5 && controller.abort();
    const result = await runSingleStream(processor, options);
    expect(result).toMatchObject({ cancelled: true, minQueriesMet: true, minDurationMet: false, durationMs: 17.5 });
  });

  it('returns an empty, cancelled result when cancelled during warm-up, with no measurement event', async () => {
    const controller = new AbortController();
    const events: LatencyEvent<LatencySample>[] = [];
    const { processor, options } = setup(8, { warmupQueries: 10, signal: controller.signal, onEvent: (e) => events.push(e) });
    processor.onCall = (n) => n === 3 && controller.abort();
    const result = await runSingleStream(processor, options);
    expect(processor.calls).toHaveLength(3);
    expect(result).toMatchObject({ cancelled: true, samples: [], stages: null, throughputQps: null, warmup: { queries: 3 }, durationMs: 0, measureStartMs: 10.5 });
    expect(events.filter((e) => e.phase === 'measure')).toEqual([]);
  });

  it('emits samples in batches every `everyMs` of clock time, not one event per query', async () => {
    const events: LatencyEvent<LatencySample>[] = [];
    const { processor, options } = setup(8, {
      minQueries: 100,
      cadence: { everyMs: 35, everySamples: 1000 },
      onEvent: (e) => events.push(e),
    });
    const result = await runSingleStream(processor, options);
    // 35 ms = 10 queries per event, and a final event for the end of the phase.
    expect(events.map((e) => e.samples.length)).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 0]);
    expect(events.flatMap((e) => e.samples)).toEqual(result.samples);
    expect(events.every((e) => e.scenario === 'single-stream' && e.phase === 'measure')).toBe(true);
  });

  it('emits samples in batches of `everySamples` when that comes first', async () => {
    const events: LatencyEvent<LatencySample>[] = [];
    const { processor, options } = setup(8, {
      minQueries: 25,
      cadence: { everyMs: 1e9, everySamples: 10 },
      onEvent: (e) => events.push(e),
    });
    await runSingleStream(processor, options);
    expect(events.map((e) => e.samples.length)).toEqual([10, 10, 5]);
  });

  it('reports progress and exact running statistics with each event', async () => {
    const events: LatencyEvent<LatencySample>[] = [];
    const clock = new ManualClock();
    // Query i takes i + 1 ms, so the running percentiles change as samples arrive.
    const processor = new FakeProcessor(clock, 20, ([i]) => ({ tokenizeMs: 0, encodeMs: i + 1, searchMs: 0 }));
    const result = await runSingleStream(processor, {
      clock, seed: 5, warmupQueries: 3, minQueries: 40, minDurationMs: 0,
      cadence: { everyMs: 1e9, everySamples: 8 },
      onEvent: (e) => events.push(e),
    });
    const warmupEvents = events.filter((e) => e.phase === 'warmup');
    expect(warmupEvents.at(-1)).toMatchObject({ scenario: 'single-stream', samples: [], live: null, progress: { done: 3, target: 3, etaMs: 0 } });

    const measured = events.filter((e) => e.phase === 'measure');
    let seen: number[] = [];
    for (const event of measured) {
      seen = seen.concat(event.samples.map((s) => s.totalMs));
      const sorted = sortedCopy(seen);
      expect(event.live).toMatchObject({ count: seen.length, p50Ms: percentileOfSorted(sorted, 50), p99Ms: percentileOfSorted(sorted, 99) });
      expect(event.progress.done).toBe(seen.length);
      expect(event.progress.target).toBe(40);
    }
    expect(measured.at(-1)?.progress.etaMs).toBe(0);
    expect(seen).toHaveLength(result.samples.length);
    // Mid-run, the ETA is the remaining queries at the rate so far.
    const first = measured[0].progress;
    expect(first.etaMs).toBeCloseTo(((40 - 8) * first.elapsedMs) / 8, 9);
  });
});
