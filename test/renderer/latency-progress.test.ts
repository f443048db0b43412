import { describe, expect, it } from 'vitest';
import { advanceProgress, blocksPerModel, formatDuration, progressFraction, remainingMs, startProgress, type ModelLatencyProgress } from '../../renderer/src/lib/latency-progress.ts';

const measure = (done: number, target: number, batchSize?: number) => ({ phase: 'measure' as const, ...(batchSize !== undefined && { batchSize }), progress: { done, target, elapsedMs: done, etaMs: null } });
const warmup = { phase: 'warmup' as const, progress: { done: 5, target: 5, elapsedMs: 1, etaMs: 0 } };

describe('latency progress', () => {
  it('counts interleaved blocks: a block starts after a warm-up or after the other model ran', () => {
    let p: ModelLatencyProgress = startProgress(blocksPerModel({ kind: 'single-stream', warmupQueries: 5, minQueries: 60, minDurationMs: 0, rounds: 10 }, 2));
    expect(p.blocks).toBe(10);
    p = advanceProgress(p, warmup, false);
    p = advanceProgress(p, measure(3, 6), false);
    expect(progressFraction(p)).toBeCloseTo(0.05);
    p = advanceProgress(p, measure(6, 6), false);
    expect(progressFraction(p)).toBeCloseTo(0.1);
    // The other model's block ran meanwhile; this one resumes without a warm-up event.
    p = advanceProgress(p, measure(6, 6), true);
    expect(p.started).toBe(2);
    expect(progressFraction(p)).toBeCloseTo(0.2);
  });

  it('starts a new block at each offline batch size, and never passes 1', () => {
    let p = startProgress(blocksPerModel({ kind: 'offline', warmupQueries: 0, minQueries: 10, minDurationMs: 0, rounds: 5, batchSizes: [1, 8] }, 1));
    p = advanceProgress(p, measure(10, 10, 1), false);
    p = advanceProgress(p, measure(16, 10, 8), false);
    expect(p.started).toBe(2);
    expect(progressFraction(p)).toBe(1);
  });

  it('has one block for a single model, and rounds × batch sizes for interleaved offline', () => {
    expect(blocksPerModel({ kind: 'single-stream', warmupQueries: 0, minQueries: 1, minDurationMs: 0, rounds: 10 }, 1)).toBe(1);
    expect(blocksPerModel({ kind: 'server', warmupQueries: 0, minQueries: 1, minDurationMs: 0, rounds: 7, targetQps: 5 }, 1)).toBe(1);
    expect(blocksPerModel({ kind: 'server', warmupQueries: 0, minQueries: 1, minDurationMs: 0, rounds: 7, targetQps: 5 }, 2)).toBe(7);
    expect(blocksPerModel({ kind: 'offline', warmupQueries: 0, minQueries: 1, minDurationMs: 0, rounds: 3, batchSizes: [1, 4] }, 2)).toBe(6);
  });

  it('estimates the time left from the rate so far', () => {
    expect(remainingMs(0, 1000)).toBeNull();
    expect(remainingMs(0.25, 1000)).toBe(3000);
    expect(remainingMs(1, 1000)).toBe(0);
    expect(formatDuration(3000)).toBe('3 s');
    expect(formatDuration(65_000)).toBe('1 min 05 s');
    expect(formatDuration(null)).toBe('–');
  });
});
