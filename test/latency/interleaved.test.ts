import { describe, expect, it } from 'vitest';
import { runInterleavedSingleStream } from '../../main/engine/latency/interleaved.ts';
import { FakeProcessor } from './fake-processor.ts';
import { ManualClock } from './manual-clock.ts';

describe('interleaved single-stream', () => {
  const options = (clock: ManualClock) => ({ clock, seed: 3, warmupQueries: 4, rewarmQueries: 1, minQueries: 12, minDurationMs: 0, rounds: 3 });

  it('alternates the systems in ABBA blocks and splits the run length between rounds', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const a = new FakeProcessor(clock, 10, () => ({ tokenizeMs: 1, encodeMs: 1, searchMs: 1 }));
    const b = new FakeProcessor(clock, 10, () => ({ tokenizeMs: 2, encodeMs: 2, searchMs: 2 }));
    a.onCall = () => log.push('A');
    b.onCall = () => log.push('B');
    const [ra, rb] = await runInterleavedSingleStream([a, b], options(clock));

    // Blocks: A(4 warm-up + 4) B(4+4) | B(1+4) A(1+4) | A(1+4) B(1+4); runs of one letter merge.
    const runs = log.join('').match(/A+|B+/g)!.map((r) => `${r[0]}${r.length}`);
    expect(runs).toEqual(['A8', 'B13', 'A10', 'B5']);
    expect(ra.samples).toHaveLength(12);
    expect(rb.samples).toHaveLength(12);
    expect(ra.warmup.queries).toBe(4 + 1 + 1);
    expect(ra.samples.every((s) => s.totalMs === 3)).toBe(true);
    expect(rb.stages?.total.p50Ms).toBe(6);
    expect(ra.samples.map((s) => s.seq)).toEqual([...Array(12).keys()]);
    // One time axis for the merged trace: start times only grow.
    expect(ra.samples.every((s, i) => i === 0 || s.startMs > ra.samples[i - 1].startMs)).toBe(true);
    expect(ra.cancelled).toBe(false);
  });

  it('gives both systems the same queries in each round', async () => {
    const clock = new ManualClock();
    const a = new FakeProcessor(clock, 50, () => ({ tokenizeMs: 1, encodeMs: 1, searchMs: 1 }));
    const b = new FakeProcessor(clock, 50, () => ({ tokenizeMs: 1, encodeMs: 1, searchMs: 1 }));
    const [ra, rb] = await runInterleavedSingleStream([a, b], options(clock));
    expect(ra.samples.map((s) => s.queryIndex)).toEqual(rb.samples.map((s) => s.queryIndex));
  });

  it('stops at once when cancelled and keeps the blocks measured so far', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const a = new FakeProcessor(clock, 10, () => ({ tokenizeMs: 1, encodeMs: 1, searchMs: 1 }));
    const b = new FakeProcessor(clock, 10, () => ({ tokenizeMs: 1, encodeMs: 1, searchMs: 1 }));
    b.onCall = (n) => n === 6 && controller.abort();
    const [ra, rb] = await runInterleavedSingleStream([a, b], { ...options(clock), signal: controller.signal });
    expect(ra.samples).toHaveLength(4);
    expect(rb.samples).toHaveLength(2);
    expect(ra.cancelled && rb.cancelled).toBe(true);
  });
});
