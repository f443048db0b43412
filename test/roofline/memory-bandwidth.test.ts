import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { lastLevelCacheBytes, parseCacheSize } from '../../main/engine/machine/system-load.ts';
import { bandwidthBufferBytes, measureBandwidth, reducedAxes, reduceSumGraph } from '../../main/engine/roofline/memory-bandwidth.ts';

const MIB = 2 ** 20;

describe('reduceSumGraph', () => {
  it('sums every row of its initializer, with the axes fed at run time', async () => {
    const bytes = 3 * 4096 * 4;
    const session = await InferenceSession.create(reduceSumGraph(bytes), { graphOptimizationLevel: 'all' });
    try {
      // All-constant input would be folded at load; the axes input keeps the read in every run.
      const { Y } = await session.run({ axes: new Tensor('int64', BigInt64Array.from([1n]), [1]) });
      expect(Y.dims).toEqual([3]);
      expect([...(Y.data as Float32Array)]).toEqual([4, 4, 4]); // 4096 × 1/1024
      // CUDA's axes: everything, to one number.
      const all = reducedAxes('cuda');
      const { Y: total } = await session.run({ axes: new Tensor('int64', BigInt64Array.from(all), [all.length]) });
      expect([total.dims, [...(total.data as Float32Array)]]).toEqual([[], [12]]);
    } finally {
      await session.release();
    }
  });

  it('takes whole rows only', () => {
    expect(() => reduceSumGraph(1000)).toThrow(/whole rows/);
  });
});

describe('bandwidthBufferBytes', () => {
  it('reads at least 8 times the last-level cache, between 256 MiB and 1 GiB, in whole rows', () => {
    expect(bandwidthBufferBytes('cpu', 32 * MIB)).toBe(256 * MIB);
    expect(bandwidthBufferBytes('cpu', null)).toBe(256 * MIB);
    expect(bandwidthBufferBytes('cpu', 96 * MIB)).toBe(768 * MIB);
    expect(bandwidthBufferBytes('cpu', 1152 * MIB)).toBe(1024 * MIB);
    expect(bandwidthBufferBytes('cuda', 32 * MIB)).toBe(1024 * MIB);
  });
});

describe('measureBandwidth', () => {
  it('times the read on the CPU: bytes over the median run, the fastest run and the load', async () => {
    const bufferBytes = 4 * MIB;
    const m = await measureBandwidth({ provider: 'cpu', intraOpThreads: 1, bufferBytes, minRuns: 5, minDurationMs: 0, warmupRuns: 1 });
    expect(m).toMatchObject({ provider: 'cpu', intraOpThreads: 1, bufferBytes, read: { supported: true } });
    if (!m.read.supported) return;
    expect(m.read.runs).toBeGreaterThanOrEqual(5);
    expect(m.read.gbPerS).toBeCloseTo(bufferBytes / (m.read.medianMs * 1e6), 9);
    expect(m.read.bestGbPerS).toBeGreaterThanOrEqual(m.read.gbPerS);
    expect(m.read.p90Ms).toBeGreaterThanOrEqual(m.read.medianMs);
    expect(m.kernel).toMatch(/ReduceSum over a 4 MiB fp32 initializer/);
  });

  it('says why, rather than throwing, where the provider cannot run (CUDA without a GPU)', async () => {
    const m = await measureBandwidth({ provider: 'cuda', bufferBytes: 4096 * 4, minRuns: 1, minDurationMs: 0 });
    expect(m.bufferBytes).toBe(4096 * 4);
    if (!m.read.supported) expect(m.read.reason).toMatch(/CUDA is unavailable/);
    else expect(m.read.gbPerS).toBeGreaterThan(0);
  });

  it('stops when cancelled, with a reason', async () => {
    const controller = new AbortController();
    controller.abort();
    const m = await measureBandwidth({ provider: 'cpu', bufferBytes: 4096 * 4, warmupRuns: 0, signal: controller.signal });
    expect(m.read).toEqual({ supported: false, reason: 'cancelled before the bandwidth was measured' });
  });
});

describe('the last-level cache size', () => {
  it('parses sysfs sizes', () => {
    expect([parseCacheSize('32768K\n'), parseCacheSize('2M'), parseCacheSize('512'), parseCacheSize('big')]).toEqual([32 * MIB, 2 * MIB, 512, null]);
  });

  it('takes the largest cache of CPU 0, and null where sysfs has none', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xlir-cache-'));
    for (const [index, size] of [['index0', '48K'], ['index2', '1024K'], ['index3', '32768K']]) {
      mkdirSync(path.join(dir, index));
      writeFileSync(path.join(dir, index, 'size'), size);
    }
    mkdirSync(path.join(dir, 'index1')); // no size file: skipped
    expect(lastLevelCacheBytes(dir)).toBe(32 * MIB);
    expect(lastLevelCacheBytes(path.join(dir, 'absent'))).toBeNull();
  });
});
