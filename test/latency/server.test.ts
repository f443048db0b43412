import { describe, expect, it } from 'vitest';
import type { LatencySample } from '../../main/engine/latency/latency-sample.ts';
import type { LatencyEvent } from '../../main/engine/latency/scenario.ts';
import { runServer, type ServerOptions } from '../../main/engine/latency/server.ts';
import { FakeProcessor, type FakeStageTimes } from './fake-processor.ts';
import { ManualClock } from './manual-clock.ts';

function setup(serviceMs: number, overrides: Partial<ServerOptions> = {}) {
  const clock = new ManualClock();
  const stages = (): FakeStageTimes => ({ tokenizeMs: serviceMs / 4, encodeMs: serviceMs / 2, searchMs: serviceMs / 4 });
  const processor = new FakeProcessor(clock, 16, stages);
  const options: ServerOptions = { clock, seed: 1, warmupQueries: 0, minQueries: 200, minDurationMs: 0, targetQps: 100, ...overrides };
  return { clock, processor, options };
}

/** Scheduled arrival of each sample, relative to the start of measurement. */
const scheduledTimes = (r: Awaited<ReturnType<typeof runServer>>) => r.samples.map((s) => s.startMs - s.queueMs! - r.measureStartMs);

describe('runServer', () => {
  it('counts queueing in latency when the service time exceeds the inter-arrival time', async () => {
    // 20 ms per query at 100 queries/s (10 ms apart on average): offered load 2.
    const { processor, options } = setup(20);
    const result = await runServer(processor, options);
    expect(result.samples).toHaveLength(200);
    for (const s of result.samples) expect(s.totalMs).toBeCloseTo(s.queueMs! + 20, 9);
    const meanQueue = (from: number, to: number) => result.samples.slice(from, to).reduce((a, s) => a + s.queueMs!, 0) / (to - from);
    // An overloaded queue grows: the last queries wait about 200 × (20 − 10) ms more than the first.
    expect(meanQueue(180, 200) - meanQueue(0, 20)).toBeGreaterThan(1000);
    expect(result.offeredLoad).toBeGreaterThan(1.5);
    expect(result.keptUp).toBe(false);
    expect(result.stages?.queue?.maxMs).toBe(Math.max(...result.samples.map((s) => s.queueMs!)));
    // Once the first query arrives the worker never idles: completions come every 20 ms.
    expect(result.completedQps).toBeCloseTo((200 * 1000) / (scheduledTimes(result)[0] + 200 * 20), 9);
  });

  it('keeps up under light load: queries rarely wait and latency is close to the service time', async () => {
    const { processor, options } = setup(1, { targetQps: 10 });
    const result = await runServer(processor, options);
    expect(result.offeredLoad).toBeLessThan(0.05);
    expect(result.keptUp).toBe(true);
    expect(result.stages?.total.p50Ms).toBe(1);
    expect(result.samples.filter((s) => s.queueMs! > 0).length).toBeLessThan(10); // P(gap < 1 ms) ≈ 1%
  });

  it('follows a seeded Poisson schedule at the target rate: reproducible, mean rate right over many arrivals', async () => {
    const run = async (seed: number) => {
      const { processor, options } = setup(0.01, { seed, targetQps: 500, minQueries: 2500 });
      return runServer(processor, options);
    };
    const a = await run(7);
    const b = await run(7);
    expect(scheduledTimes(a)).toEqual(scheduledTimes(b));
    expect(a.samples.map((s) => s.queryIndex)).toEqual(b.samples.map((s) => s.queryIndex));
    expect(scheduledTimes(await run(8))).not.toEqual(scheduledTimes(a));
    // 2,500 exponential gaps: the rate's relative standard error is 2%; the bound is 4 of them.
    expect(Math.abs(a.scheduledQps! - 500) / 500).toBeLessThan(0.08);
    const times = scheduledTimes(a);
    expect(times.every((t, i) => i === 0 || t > times[i - 1])).toBe(true);
  });

  it('generates arrivals until BOTH the minimum count and a schedule of the minimum duration are reached', async () => {
    const { processor, options } = setup(1, { minQueries: 5, minDurationMs: 2000 });
    const result = await runServer(processor, options);
    const times = scheduledTimes(result);
    expect(times.at(-1)).toBeGreaterThanOrEqual(2000);
    expect(times.at(-2)).toBeLessThan(2000);
    expect(result.samples.length).toBeGreaterThan(100); // ≈ 200 arrivals in 2 s at 100/s
    expect(result).toMatchObject({ cancelled: false, minQueriesMet: true, minDurationMet: true });
  });

  it('judges a latency bound on the given percentile', async () => {
    const { processor, options } = setup(2, { targetQps: 10, latencyBound: { ms: 2.5, percentile: 50 } });
    const result = await runServer(processor, options);
    expect(result.latencyBound).toEqual({ ms: 2.5, percentile: 50, observedMs: 2, met: true });
    expect(result.keptUp).toBe(true);

    const tight = setup(2, { targetQps: 10, latencyBound: { ms: 1.5, percentile: 50 } });
    const failed = await runServer(tight.processor, tight.options);
    expect(failed.latencyBound?.met).toBe(false);
    expect(failed.keptUp).toBe(false);

    // A bound is met by a latency equal to it.
    const exact = setup(2, { targetQps: 10, latencyBound: { ms: 2, percentile: 50 } });
    expect((await runServer(exact.processor, exact.options)).latencyBound).toEqual({ ms: 2, percentile: 50, observedMs: 2, met: true });
  });

  it('judges the bound on the percentile asked for, not the median', async () => {
    // Overloaded: latency grows with the queue, so p99 is far above p50.
    const { processor, options } = setup(20, { latencyBound: { ms: 1e9, percentile: 99 } });
    const result = await runServer(processor, options);
    const sorted = result.samples.map((s) => s.totalMs).sort((a, b) => a - b);
    expect(result.latencyBound?.observedMs).toBe(sorted[197]); // rank ⌈0.99 · 200⌉ = 198
    expect(result.latencyBound?.observedMs).toBeGreaterThan(sorted[99]);
  });

  it('excludes warm-up queries, which run before the schedule starts', async () => {
    const { processor, options } = setup(3, { warmupQueries: 4, minQueries: 10 });
    const result = await runServer(processor, options);
    expect(processor.calls).toHaveLength(14);
    expect(result.warmup.queries).toBe(4);
    expect(result.measureStartMs).toBe(12);
    expect(Math.min(...scheduledTimes(result))).toBeGreaterThan(0);
  });

  it('returns the queries completed so far when cancelled', async () => {
    const controller = new AbortController();
    const { processor, options } = setup(20, { signal: controller.signal });
    processor.onCall = (n) => n === 10 && controller.abort();
    const result = await runServer(processor, options);
    expect(result.samples).toHaveLength(10);
    expect(result).toMatchObject({ cancelled: true, minQueriesMet: false });
  });

  it('issues nothing more once cancelled while waiting for an arrival', async () => {
    const controller = new AbortController();
    const { clock, processor, options } = setup(1, { signal: controller.signal, minDurationMs: 1000 });
    let waits = 0;
    // The abort comes while the worker idles until the 6th arrival.
    const wait = clock.waitUntil.bind(clock);
    clock.waitUntil = async (targetMs, signal) => {
      if (++waits === 6) controller.abort();
      return wait(targetMs, signal);
    };
    const result = await runServer(processor, options);
    expect(processor.calls).toHaveLength(5);
    const times = scheduledTimes(result);
    // The schedule ends at the 5th arrival: the one being waited for never counts.
    expect(result.scheduledQps).toBeCloseTo((5 * 1000) / times[4], 9);
    expect(result).toMatchObject({ cancelled: true, minQueriesMet: false, minDurationMet: false });
  });

  it('emits its samples as events, tagged server, after warm-up events', async () => {
    const events: LatencyEvent<LatencySample>[] = [];
    const { processor, options } = setup(1, { warmupQueries: 2, minQueries: 25, cadence: { everyMs: 1e9, everySamples: 10 }, onEvent: (e) => events.push(e) });
    const result = await runServer(processor, options);
    expect(events.map((e) => [e.scenario, e.phase, e.samples.length])).toEqual([
      ['server', 'warmup', 0],
      ['server', 'measure', 10],
      ['server', 'measure', 10],
      ['server', 'measure', 5],
    ]);
    expect(events.flatMap((e) => e.samples)).toEqual(result.samples);
  });

  it('meets a minimum count that it reaches exactly, and a zero duration', async () => {
    const { processor, options } = setup(1, { minQueries: 7 });
    const result = await runServer(processor, options);
    expect(result).toMatchObject({ scenario: 'server', targetQps: 100, cancelled: false, minQueriesMet: true, minDurationMet: true });
    expect(result.samples).toHaveLength(7);
  });

  it('issues nothing for a run length of zero', async () => {
    const { processor, options } = setup(1, { minQueries: 0 });
    const result = await runServer(processor, options);
    expect(processor.calls).toEqual([]);
    expect(result).toMatchObject({ samples: [], cancelled: false, minQueriesMet: true, minDurationMet: true, offeredLoad: null, keptUp: false });
  });

  it('has not kept up when it measured nothing, bound or not', async () => {
    const controller = new AbortController();
    const events: LatencyEvent<LatencySample>[] = [];
    const { processor, options } = setup(2, { signal: controller.signal, warmupQueries: 3, onEvent: (e) => events.push(e) });
    processor.onCall = (n) => n === 2 && controller.abort();
    const result = await runServer(processor, options);
    expect(result).toMatchObject({ samples: [], offeredLoad: null, keptUp: false, cancelled: true, minDurationMet: true });
    expect(events.filter((e) => e.phase === 'measure')).toEqual([]);
  });

  it('reports nothing measured, and no load, when cancelled before the first arrival', async () => {
    const controller = new AbortController();
    const { processor, options } = setup(2, { signal: controller.signal, warmupQueries: 3, minDurationMs: 100, latencyBound: { ms: 5, percentile: 90 } });
    processor.onCall = (n) => n === 2 && controller.abort();
    const result = await runServer(processor, options);
    expect(result).toMatchObject({
      cancelled: true,
      samples: [],
      stages: null,
      offeredLoad: null,
      scheduledQps: null,
      completedQps: null,
      keptUp: false,
      minQueriesMet: false,
      minDurationMet: false,
      durationMs: 0,
      measureStartMs: 4,
      latencyBound: { ms: 5, percentile: 90, observedMs: null, met: false },
    });
  });

  it('counts only busy time in the offered load: an idle worker adds nothing', async () => {
    // 4 ms per query; warm-up of 2 queries first, so measurement starts at 8 ms on the clock.
    const { processor, options } = setup(4, { targetQps: 50, warmupQueries: 2, minQueries: 100 });
    const result = await runServer(processor, options);
    const times = scheduledTimes(result);
    expect(result.offeredLoad).toBeCloseTo((100 * 4) / times[99], 9);
    expect(result.measureStartMs).toBe(8);
    const last = result.samples[99];
    expect(result.durationMs).toBeCloseTo(last.startMs + 4 - result.measureStartMs, 9);
  });
});
