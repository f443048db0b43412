import { describe, expect, it } from 'vitest';
import { blockOptions, blockOrder, concatBlocks, interleave, MeasuredBlockSchema, type Block, type Measurement } from '../../main/engine/latency/interleaved.ts';
import { runOfflineInterleaved } from '../../main/engine/latency/offline.ts';
import { runServerInterleaved } from '../../main/engine/latency/server.ts';
import { runSingleStreamInterleaved } from '../../main/engine/latency/single-stream.ts';
import { FakeProcessor } from './fake-processor.ts';
import { ManualClock } from './manual-clock.ts';

const stages = (ms: number) => () => ({ tokenizeMs: ms, encodeMs: ms, searchMs: ms });

function clockAt(ms: number): ManualClock {
  const clock = new ManualClock();
  clock.advance(ms); // nothing may assume the clock starts at 0
  return clock;
}

describe('blockOrder', () => {
  it('mirrors each pair of rounds and draws the pair orientation from the seed', () => {
    const orders = (seed: number) => [0, 1, 2, 3, 4, 5, 6, 7].map((r) => blockOrder(2, r, seed).join(''));
    expect(orders(3)).toEqual(['01', '10', '10', '01', '10', '01', '01', '10']);
    expect(orders(1)).toEqual(['10', '01', '01', '10', '01', '10', '01', '10']);
    expect([0, 1, 2, 3].map((r) => blockOrder(3, r, 1).join(''))).toEqual(['120', '021', '201', '102']);
  });

  it('puts each system first equally often over pairs of rounds', () => {
    for (const seed of [1, 2, 3, 4]) {
      const firsts = Array.from({ length: 20 }, (_, r) => blockOrder(2, r, seed)[0]);
      expect(firsts.filter((s) => s === 0)).toHaveLength(10);
    }
  });
});

describe('interleave', () => {
  it('runs one block per system per round in blockOrder, each round with its seed, and samples between blocks', async () => {
    const clock = clockAt(500);
    const log: string[] = [];
    const blocks = await interleave(2, { clock, seed: 3, rounds: 3, betweenBlocks: (s, r) => void log.push(`after ${s}@${r}`) }, async (system, round) => {
      log.push(`${system}@${round}`);
      clock.advance(10 + system);
      return { system, round };
    });
    expect(log).toEqual(['0@0', 'after 0@0', '1@0', 'after 1@0', '1@1', 'after 1@1', '0@1', 'after 0@1', '1@2', 'after 1@2', '0@2', 'after 0@2']);
    // Offsets from the start of interleave: 0, 10 | 21, 32 | 42, 53.
    expect(blocks[0].map((b) => [b.round, b.offsetMs])).toEqual([[0, 0], [1, 32], [2, 53]]);
    expect(blocks[1].map((b) => [b.round, b.offsetMs])).toEqual([[0, 10], [1, 21], [2, 42]]);
  });

  it('measures offsets from a given origin, and stops at once on abort', async () => {
    const clock = clockAt(100);
    const controller = new AbortController();
    // The origin lies 60 ms before now, wherever the clock starts.
    const blocks = await interleave(2, { clock, seed: 3, rounds: 5, originMs: clock.nowMs() - 60, signal: controller.signal }, async (system, round) => {
      clock.advance(5);
      if (round === 1 && system === 1) controller.abort();
      return round;
    });
    expect(blocks[0].map((b) => b.offsetMs)).toEqual([60]);
    expect(blocks[1].map((b) => b.offsetMs)).toEqual([65, 70]);
  });

  it('refuses a round count that is not a positive integer, and runs a single round', async () => {
    await expect(interleave(2, { clock: clockAt(1), seed: 1, rounds: 0 }, async () => 0)).rejects.toThrow(new RangeError('rounds must be a positive integer, got 0'));
    await expect(interleave(2, { clock: clockAt(1), seed: 1, rounds: 2.5 }, async () => 0)).rejects.toThrow('rounds must be a positive integer, got 2.5');
    const one = await interleave(2, { clock: clockAt(1), seed: 1, rounds: 1 }, async (system) => system);
    expect(one.map((b) => b.map((x) => [x.round, x.measurement]))).toEqual([[[0, 0]], [[0, 1]]]);
  });
});

describe('blockOptions and concatBlocks', () => {
  it('gives a block its round seed, share of the run length and warm-up, and tags its events with the system', () => {
    const events: number[] = [];
    const options = { clock: clockAt(7), seed: 10, rounds: 4, warmupQueries: 20, rewarmQueries: 3, minQueries: 10, minDurationMs: 200, onEvent: (system: number) => events.push(system) };
    const first = blockOptions(options, 1, 0);
    expect(first).toMatchObject({ seed: 10, warmupQueries: 20, minQueries: 3, minDurationMs: 50 });
    expect(blockOptions(options, 0, 2)).toMatchObject({ seed: 12, warmupQueries: 3 });
    first.onEvent!({} as never);
    expect(events).toEqual([1]);
  });

  it('joins blocks into one trace on one time axis and records where each lies', () => {
    const measurement = (startMs: number, n: number, warm: number): Measurement<{ seq: number; startMs: number; totalMs: number }> => ({
      warmup: { queries: warm, durationMs: warm * 2 },
      measureStartMs: startMs,
      durationMs: n * 3,
      samples: Array.from({ length: n }, (_, i) => ({ seq: i, startMs: startMs + 3 * i, totalMs: 3 })),
    });
    const blocks: Block<ReturnType<typeof measurement>>[] = [
      { round: 0, offsetMs: 100, measurement: measurement(4, 2, 5) },
      { round: 1, offsetMs: 200, measurement: measurement(1, 3, 1) },
    ];
    const joined = concatBlocks(blocks);
    expect(joined.samples.map((s) => [s.seq, s.startMs])).toEqual([[0, 104], [1, 107], [2, 201], [3, 204], [4, 207]]);
    expect(joined.blocks).toEqual([
      { round: 0, start: 0, count: 2, startMs: 104, durationMs: 6 },
      { round: 1, start: 2, count: 3, startMs: 201, durationMs: 9 },
    ]);
    expect(joined).toMatchObject({ warmup: { queries: 6, durationMs: 12 }, measureStartMs: 104, durationMs: 15 });
    // As a stored result keeps them.
    expect(joined.blocks.map((b) => MeasuredBlockSchema.parse(JSON.parse(JSON.stringify(b))))).toEqual(joined.blocks);
    expect(concatBlocks([])).toMatchObject({ samples: [], blocks: [], measureStartMs: 0, durationMs: 0 });
  });
});

describe('interleaved scenarios', () => {
  const options = (clock: ManualClock) => ({ clock, seed: 3, warmupQueries: 4, rewarmQueries: 1, minQueries: 12, minDurationMs: 0, rounds: 3 });

  it('single-stream: rounds of blocks, same queries for both systems in a round, blocks recorded', async () => {
    const clock = clockAt(1000);
    const log: string[] = [];
    const a = new FakeProcessor(clock, 10, stages(1));
    const b = new FakeProcessor(clock, 10, stages(2));
    a.onCall = () => log.push('A');
    b.onCall = () => log.push('B');
    const [ra, rb] = await runSingleStreamInterleaved([a, b], options(clock));
    // Seed 3 orders the rounds AB, BA, BA: A(4 warm-up + 4) B(4+4) | B(1+4) A(1+4) | B(1+4) A(1+4).
    const runs = log.join('').match(/A+|B+/g)!.map((r) => `${r[0]}${r.length}`);
    expect(runs).toEqual(['A8', 'B13', 'A5', 'B5', 'A5']);
    expect(ra.samples).toHaveLength(12);
    expect(ra.warmup.queries).toBe(6);
    expect(rb.stages?.total.p50Ms).toBe(6);
    expect(ra.blocks!.map((x) => [x.round, x.start, x.count])).toEqual([[0, 0, 4], [1, 4, 4], [2, 8, 4]]);
    for (let r = 0; r < 3; r++) {
      const slice = (res: typeof ra) => res.samples.slice(res.blocks![r].start, res.blocks![r].start + 4).map((s) => s.queryIndex);
      expect(slice(ra)).toEqual(slice(rb));
    }
    expect(ra.samples.every((s, i) => i === 0 || s.startMs > ra.samples[i - 1].startMs)).toBe(true);
    expect(ra.cancelled).toBe(false);
  });

  it('single-stream: a cancel keeps the blocks measured so far and marks every system cancelled', async () => {
    const clock = clockAt(3);
    const controller = new AbortController();
    const a = new FakeProcessor(clock, 10, stages(1));
    const b = new FakeProcessor(clock, 10, stages(1));
    b.onCall = (n) => n === 6 && controller.abort();
    const [ra, rb] = await runSingleStreamInterleaved([a, b], { ...options(clock), signal: controller.signal });
    expect(ra.samples).toHaveLength(4);
    expect(rb.samples).toHaveLength(2);
    expect(ra.cancelled && rb.cancelled).toBe(true);
  });

  it('a cancel between two rounds marks every system cancelled, in each scenario, even when the blocks so far met the run length', async () => {
    // One query of 30 ms per block meets the whole run's length (1 query, 30 ms): only the rounds
    // left undone make the run cancelled. Seed 3 runs round 0 as A then B: the cancel comes after
    // B's block, before round 1 starts.
    const cancelAfterRound0 = (clock: ManualClock) => {
      const controller = new AbortController();
      const betweenBlocks = (system: number, round: number) => void (round === 0 && system === 1 && controller.abort());
      return { clock, seed: 3, warmupQueries: 0, rewarmQueries: 0, minQueries: 1, minDurationMs: 30, rounds: 3, signal: controller.signal, betweenBlocks };
    };
    const pair = (clock: ManualClock) => [new FakeProcessor(clock, 10, stages(10)), new FakeProcessor(clock, 10, stages(10))];
    let clock = clockAt(9);
    const single = await runSingleStreamInterleaved(pair(clock), cancelAfterRound0(clock));
    expect(single.map((r) => [r.blocks!.length, r.samples.length, r.minQueriesMet, r.minDurationMet, r.cancelled])).toEqual([[1, 1, true, true, true], [1, 1, true, true, true]]);
    clock = clockAt(9);
    // One arrival a second: the block's one arrival comes long after its 10 ms share of the schedule.
    const server = await runServerInterleaved(pair(clock), { ...cancelAfterRound0(clock), targetQps: 1 });
    expect(server.map((r) => [r.blocks!.length, r.samples.length, r.minQueriesMet, r.minDurationMet, r.cancelled])).toEqual([[1, 1, true, true, true], [1, 1, true, true, true]]);
    clock = clockAt(9);
    const offline = await runOfflineInterleaved(pair(clock), { ...cancelAfterRound0(clock), batchSizes: [1, 4] });
    // The first batch size stopped after its first round; the second never started.
    expect(offline.map((r) => r.runs.map((x) => [x.batchSize, x.blocks!.length, x.minQueriesMet, x.minDurationMet, x.cancelled]))).toEqual([[[1, 1, true, true, true]], [[1, 1, true, true, true]]]);
    expect(offline.every((r) => r.cancelled)).toBe(true);
  });

  it('offline: refuses a batch size that is not a positive integer before measuring anything', async () => {
    const clock = clockAt(4);
    const a = new FakeProcessor(clock, 10, stages(1));
    await expect(runOfflineInterleaved([a, a], { ...options(clock), batchSizes: [2, 0] })).rejects.toThrow(new RangeError('batch sizes must be positive integers, got 0'));
    expect(a.calls).toHaveLength(0);
  });

  it('server: each block its own arrival schedule; rates and load over all blocks', async () => {
    const clock = clockAt(50);
    const a = new FakeProcessor(clock, 10, stages(1));
    const b = new FakeProcessor(clock, 10, stages(2));
    const [ra, rb] = await runServerInterleaved([a, b], { ...options(clock), targetQps: 50 });
    expect(ra.samples).toHaveLength(12);
    expect(ra.blocks!.map((x) => x.count)).toEqual([4, 4, 4]);
    // Load = busy ÷ schedule: the slower system is twice as loaded on the same schedule.
    expect(rb.offeredLoad! / ra.offeredLoad!).toBeCloseTo(2, 10);
    expect(ra.scheduledQps).toBeCloseTo(rb.scheduledQps!, 10);
    expect(ra.samples.every((s) => s.totalMs >= 3 && s.queueMs! >= 0)).toBe(true);
    expect(ra.keptUp).toBe(true);
    expect(ra.cancelled).toBe(false);
  });

  it('offline: every batch size in its own interleaved rounds', async () => {
    const clock = clockAt(20);
    const log: string[] = [];
    const a = new FakeProcessor(clock, 10, stages(1));
    const b = new FakeProcessor(clock, 10, stages(1));
    a.onCall = () => log.push(`A${a.calls.at(-1)!.length}`);
    b.onCall = () => log.push(`B${b.calls.at(-1)!.length}`);
    const [ra, rb] = await runOfflineInterleaved([a, b], { ...options(clock), warmupQueries: 0, rewarmQueries: 0, minQueries: 8, rounds: 2, batchSizes: [1, 4] });
    expect(ra.runs.map((r) => r.batchSize)).toEqual([1, 4]);
    expect(ra.runs[0].blocks!.map((x) => [x.round, x.count])).toEqual([[0, 4], [1, 4]]);
    expect(rb.runs[1].blocks!.map((x) => [x.round, x.count])).toEqual([[0, 1], [1, 1]]);
    // All blocks of batch size 1 come before any of batch size 4.
    expect(log.findIndex((x) => x.endsWith('4'))).toBe(16);
    expect(ra.runs[1].batches.every((x, i) => i === 0 || x.startMs > ra.runs[1].batches[i - 1].startMs)).toBe(true);
    expect(ra.cancelled || rb.cancelled).toBe(false);
  });
});
