import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ceilingSessionSettings, timeSessionRuns, type CeilingOptions } from '../../main/engine/roofline/timed-runs.ts';
import { ManualClock } from '../latency/manual-clock.ts';

/**
 * A session whose n-th run (warm-up runs included) takes `durationMs(n)` on `clock`, and that
 * records what each run was given.
 */
function fakeSession(clock: ManualClock, durationMs: (n: number) => number, onRun: (n: number) => void = () => {}) {
  const calls: { feeds: InferenceSession.FeedsType; fetches: readonly string[] }[] = [];
  const session = {
    async run(feeds: InferenceSession.FeedsType, fetches: readonly string[]) {
      calls.push({ feeds, fetches });
      clock.advance(durationMs(calls.length));
      onRun(calls.length);
      return {};
    },
  } as unknown as InferenceSession;
  return { session, calls };
}

const feeds = { A: {} } as unknown as InferenceSession.FeedsType;

describe('timeSessionRuns', () => {
  it('leaves the warm-up runs out of the figures and out of the duration: 2 on the CPU', async () => {
    const clock = new ManualClock();
    // Two slow warm-up runs (a cold cache), then runs of 100 ms: 6 of them reach 600 ms.
    const { session, calls } = fakeSession(clock, (n) => (n <= 2 ? 1000 : 100));
    const timed = await timeSessionRuns(session, feeds, ['Y'], { provider: 'cpu', clock });
    expect(timed).toEqual({ runs: 6, medianMs: 100, minMs: 100, p90Ms: 100 });
    expect(calls).toHaveLength(8);
    expect(calls.every((c) => c.feeds === feeds && c.fetches.join() === 'Y')).toBe(true);
  });

  it('warms CUDA up for 10 runs, or as many as asked', async () => {
    for (const [provider, warmupRuns, expected] of [['cuda', undefined, 10], ['cpu', 3, 3], ['cuda', 0, 0]] as const) {
      const clock = new ManualClock();
      // Warm-up runs take 1 s each; every timed one 1 ms, so that a timed warm-up would show as the maximum.
      const { session, calls } = fakeSession(clock, (n) => (n <= expected ? 1000 : 1));
      const timed = await timeSessionRuns(session, feeds, ['Y'], { provider, warmupRuns, minRuns: 4, minDurationMs: 0, clock });
      expect(calls.length - expected).toBe(4);
      expect(timed).toEqual({ runs: 4, medianMs: 1, minMs: 1, p90Ms: 1 });
    }
  });

  it('runs at least 5 times and at least 600 ms by default, whichever takes more runs', async () => {
    const runsAt = async (durationMs: number) => {
      const clock = new ManualClock();
      const { session } = fakeSession(clock, () => durationMs);
      return (await timeSessionRuns(session, feeds, ['Y'], { provider: 'cpu', warmupRuns: 0, clock }))!.runs;
    };
    // 1 s runs: 5 of them; 1 ms runs: 600 of them. 600 ms is enough: 5 runs of 120 ms, 6 of 100 ms.
    expect(await runsAt(1000)).toBe(5);
    expect(await runsAt(1)).toBe(600);
    expect(await runsAt(120)).toBe(5);
    expect(await runsAt(100)).toBe(6);
  });

  it('takes the median, the fastest and the 90th percentile (nearest rank) of the timed runs', async () => {
    const clock = new ManualClock();
    const durations = [5, 3, 9, 1, 7, 2, 8, 4, 6, 10];
    const { session } = fakeSession(clock, (n) => durations[n - 1]);
    const timed = await timeSessionRuns(session, feeds, ['Y'], { provider: 'cpu', warmupRuns: 0, minRuns: 10, minDurationMs: 0, clock });
    // Sorted 1…10: the median is rank ⌈0.5·10⌉ = 5, the 90th percentile rank ⌈0.9·10⌉ = 9.
    expect(timed).toEqual({ runs: 10, medianMs: 5, minMs: 1, p90Ms: 9 });
  });

  it('stops when cancelled, with the runs so far, and gives nothing when cancelled before the first', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const { session } = fakeSession(clock, (n) => n, (n) => n === 3 && controller.abort());
    const options: CeilingOptions = { provider: 'cpu', warmupRuns: 0, minRuns: 100, clock, signal: controller.signal };
    // Runs of 1, 2 and 3 ms: cancelled during the third.
    expect(await timeSessionRuns(session, feeds, ['Y'], options)).toEqual({ runs: 3, medianMs: 2, minMs: 1, p90Ms: 3 });
    expect(await timeSessionRuns(session, feeds, ['Y'], options)).toBeNull();
  });

  it('reads the system clock when given none', async () => {
    const { session, calls } = fakeSession(new ManualClock(), () => 0);
    const timed = await timeSessionRuns(session, feeds, ['Y'], { provider: 'cpu', warmupRuns: 0, minRuns: 3, minDurationMs: 0 });
    expect(calls).toHaveLength(3);
    expect(timed!.runs).toBe(3);
    expect(timed!.minMs).toBeGreaterThanOrEqual(0);
    expect(timed!.p90Ms).toBeLessThan(1000);
  });
});

describe('ceilingSessionSettings', () => {
  it('optimises the graph fully, on the thread count asked for or the runtime default', () => {
    expect(ceilingSessionSettings({ provider: 'cpu', intraOpThreads: 3 })).toEqual({ graphOptimizationLevel: 'all', intraOpThreads: 3 });
    expect(ceilingSessionSettings({ provider: 'cpu' })).toStrictEqual({ graphOptimizationLevel: 'all' });
  });
});
