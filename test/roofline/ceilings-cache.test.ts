import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureMachineProfile, type Gpu } from '../../main/engine/machine/machine-profile.ts';
import { cachedCeilings, ceilingsCacheFile, ceilingsKey } from '../../main/engine/roofline/ceilings-cache.ts';
import type { BandwidthMeasurement } from '../../main/engine/roofline/memory-bandwidth.ts';
import type { PeakMeasurement } from '../../main/engine/roofline/matmul-peak.ts';
import { fakeBandwidth, fakePeak } from './fake-ceilings.ts';

const cacheFile = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-ceilings-')), 'roofline-peaks.json');

/** Measurement stand-ins that count their calls and return the rates given in order. */
function counted(peaks: number[], bandwidths: number[]) {
  const calls = { peak: 0, bandwidth: 0 };
  return {
    calls,
    measurePeak: async () => fakePeak(peaks[calls.peak++]),
    measureBandwidth: async () => fakeBandwidth(bandwidths[calls.bandwidth++]),
  };
}

/** A cache file holding `peak` and `bandwidth` for this machine's CPU at 2 threads, as compact JSON. */
async function cacheHolding(peak: PeakMeasurement, bandwidth?: BandwidthMeasurement) {
  const file = cacheFile();
  const machine = await captureMachineProfile();
  writeFileSync(file, JSON.stringify({ version: 1, entries: [{ key: ceilingsKey(machine, 'cpu', 2), peak, bandwidth }] }));
  return { file, machine };
}

const gflops = (c: { peak: PeakMeasurement }) => [c.peak.fp32.supported && c.peak.fp32.gflops, c.peak.fp16.supported && c.peak.fp16.gflops];
const gbPerS = (c: { bandwidth: BandwidthMeasurement }) => c.bandwidth.read.supported && c.bandwidth.read.gbPerS;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('cachedCeilings', () => {
  it('measures both once per machine, provider and thread count, then reads the file', async () => {
    const file = cacheFile();
    const machine = await captureMachineProfile();
    const m = counted([101, 102], [21, 22]);
    const first = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, ...m });
    const second = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, ...m });
    const otherThreads = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 1, file, ...m });
    expect([first.peakFromCache, first.bandwidthFromCache, second.peakFromCache, second.bandwidthFromCache, otherThreads.peakFromCache]).toEqual([false, false, true, true, false]);
    expect([second.peak, second.bandwidth]).toEqual([first.peak, first.bandwidth]);
    expect(m.calls).toEqual({ peak: 2, bandwidth: 2 });
    const stored = JSON.parse(readFileSync(file, 'utf8'));
    expect(stored.entries.map((e: { key: string }) => e.key)).toEqual([ceilingsKey(machine, 'cpu', 2), ceilingsKey(machine, 'cpu', 1)]);
  });

  it('adds the bandwidth to a file written before it was measured, keeping the cached peak', async () => {
    const file = cacheFile();
    const machine = await captureMachineProfile();
    writeFileSync(file, JSON.stringify({ version: 1, entries: [{ key: ceilingsKey(machine, 'cpu', 2), peak: fakePeak(190) }] }));
    const m = counted([1], [24]);
    const c = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, ...m });
    expect([c.peakFromCache, c.bandwidthFromCache, m.calls.peak, m.calls.bandwidth]).toEqual([true, false, 0, 1]);
    expect(c.peak.fp32.supported && c.peak.fp32.gflops).toBe(190);
    const again = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, ...m });
    expect([again.bandwidthFromCache, again.bandwidth.read.supported && again.bandwidth.read.gbPerS]).toEqual([true, 24]);
  });

  it('on remeasure keeps the better rate of each: other load only ever slows a measurement down', async () => {
    const file = cacheFile();
    const machine = await captureMachineProfile();
    await cachedCeilings({ machine, provider: 'cpu', file, ...counted([100], [20]) });
    const slower = await cachedCeilings({ machine, provider: 'cpu', file, remeasure: true, ...counted([80], [30]) });
    expect([slower.peak.fp32.supported && slower.peak.fp32.gflops, slower.bandwidth.read.supported && slower.bandwidth.read.gbPerS]).toEqual([100, 30]);
    const read = await cachedCeilings({ machine, provider: 'cpu', file, ...counted([1], [1]) });
    expect([read.peakFromCache, read.bandwidthFromCache]).toEqual([true, true]);
    expect(read.bandwidth.read.supported && read.bandwidth.read.gbPerS).toBe(30);
  });

  it('replaces a file it cannot read, and says so', async () => {
    const file = cacheFile();
    writeFileSync(file, '{"version": 99}');
    const result = await cachedCeilings({ machine: await captureMachineProfile(), provider: 'cpu', file, ...counted([7], [3]) });
    expect(result.note).toMatch(/roofline-peaks\.json is not a ceilings cache/);
    expect(JSON.parse(readFileSync(file, 'utf8')).version).toBe(1);
  });

  it('keys by hardware and runtime, not by hostname', async () => {
    const machine = await captureMachineProfile();
    expect(ceilingsKey({ ...machine, hostname: 'elsewhere' }, 'cpu', 2)).toBe(ceilingsKey(machine, 'cpu', 2));
    expect(ceilingsKey({ ...machine, cpu: { ...machine.cpu, model: 'Other CPU' } }, 'cpu', 2)).not.toBe(ceilingsKey(machine, 'cpu', 2));
  });

  it('keeps the better of the cached and the new rate of each precision and of the bandwidth, a supported one over none', async () => {
    const { file, machine } = await cacheHolding(fakePeak(100), fakeBandwidth(40));
    const remeasure = async (peak: PeakMeasurement, bandwidth: BandwidthMeasurement) =>
      cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, remeasure: true, measurePeak: async () => peak, measureBandwidth: async () => bandwidth });
    // fp32 120 beats 100, fp16 50 beats none; 30 GB/s loses to 40.
    const first = await remeasure(fakePeak(120, { fp16: 50 }), fakeBandwidth(30));
    expect([...gflops(first), gbPerS(first)]).toEqual([120, 50, 40]);
    // None measured now: the cached rates stay.
    const second = await remeasure(fakePeak(null), fakeBandwidth(null));
    expect([...gflops(second), gbPerS(second)]).toEqual([120, 50, 40]);
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toHaveLength(1);
  });

  it('takes a bandwidth measured now over a cached one that could not be measured', async () => {
    const { file, machine } = await cacheHolding(fakePeak(100), fakeBandwidth(null));
    const c = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, remeasure: true, ...counted([90], [25]) });
    expect([...gflops(c), gbPerS(c)]).toEqual([100, false, 25]);
  });

  it('on a tie keeps the newer measurement, with its details', async () => {
    const { file, machine } = await cacheHolding(fakePeak(100), fakeBandwidth(40));
    const newer = fakePeak(100);
    if (newer.fp32.supported) newer.fp32.best = { m: 64, k: 64, n: 64 };
    const bandwidth = fakeBandwidth(40);
    if (bandwidth.read.supported) bandwidth.read.runs = 9;
    const c = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, remeasure: true, measurePeak: async () => newer, measureBandwidth: async () => bandwidth });
    expect(c.peak.fp32).toEqual(newer.fp32);
    expect(c.bandwidth.read).toEqual(bandwidth.read);
  });

  it('leaves the file as it is when everything was cached', async () => {
    const { file, machine } = await cacheHolding(fakePeak(100), fakeBandwidth(40));
    const before = readFileSync(file, 'utf8');
    const c = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 2, file, ...counted([1], [1]) });
    expect([c.peakFromCache, c.bandwidthFromCache, c.note]).toEqual([true, true, undefined]);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('hands the measurements the provider, the thread count and the timing options', async () => {
    const file = cacheFile();
    const seen: object[] = [];
    const measure = {
      measurePeak: async (o: { provider: 'cpu' | 'cuda'; intraOpThreads?: number }) => (seen.push(o), fakePeak(100, { provider: o.provider, threads: o.intraOpThreads ?? null })),
      measureBandwidth: async (o: { provider: 'cpu' | 'cuda'; intraOpThreads?: number }) => (seen.push(o), fakeBandwidth(20, { provider: o.provider, threads: o.intraOpThreads ?? null })),
    };
    const machine = await captureMachineProfile();
    const c = await cachedCeilings({ machine, provider: 'cpu', intraOpThreads: 3, minRuns: 7, file, ...measure });
    expect([c.peak.intraOpThreads, c.bandwidth.intraOpThreads]).toEqual([3, 3]);
    expect(seen).toStrictEqual([{ provider: 'cpu', intraOpThreads: 3, minRuns: 7 }, { provider: 'cpu', intraOpThreads: 3, minRuns: 7 }]);
    seen.length = 0;
    const runtimeDefault = await cachedCeilings({ machine, provider: 'cpu', minDurationMs: 50, file, ...measure });
    expect(runtimeDefault.peak.intraOpThreads).toBeNull();
    expect(seen).toStrictEqual([{ provider: 'cpu', minDurationMs: 50 }, { provider: 'cpu', minDurationMs: 50 }]);
  });

  it('stores nothing from a cancelled measurement', async () => {
    const file = cacheFile();
    const c = await cachedCeilings({ machine: await captureMachineProfile(), provider: 'cpu', file, signal: AbortSignal.abort(), ...counted([7], [3]) });
    expect([c.peakFromCache, c.bandwidthFromCache, gbPerS(c)]).toEqual([false, false, 3]);
    expect(existsSync(file)).toBe(false);
  });

  it('measures again, and says why, when the file exists but cannot be read; a missing file needs no note', async () => {
    const file = cacheFile();
    // A folder where the file should be: reading it fails (EISDIR). Cancelled, so nothing is written over it.
    mkdirSync(file);
    const c = await cachedCeilings({ machine: await captureMachineProfile(), provider: 'cpu', file, signal: AbortSignal.abort(), ...counted([7], [3]) });
    expect(c.note).toMatch(/roofline-peaks\.json could not be read \(.*EISDIR.*\); the ceilings were measured again/);
    const fresh = await cachedCeilings({ machine: await captureMachineProfile(), provider: 'cpu', file: cacheFile(), ...counted([7], [3]) });
    expect(fresh).not.toHaveProperty('note');
  });

  it('keeps its file in the user cache folder unless told otherwise', async () => {
    expect(ceilingsCacheFile({ XLIR_CACHE_DIR: '/somewhere/cache' })).toBe(path.join('/somewhere/cache', 'roofline-peaks.json'));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xlir-cache-dir-'));
    vi.stubEnv('XLIR_CACHE_DIR', dir);
    const c = await cachedCeilings({ machine: await captureMachineProfile(), provider: 'cpu', ...counted([7], [3]) });
    expect(c.file).toBe(path.join(dir, 'roofline-peaks.json'));
    expect(JSON.parse(readFileSync(c.file, 'utf8')).entries).toHaveLength(1);
  });

  it('keys CUDA ceilings by each GPU and its driver, and CPU ceilings by no GPU', async () => {
    const gpu = (name: string, driver: string | null): Gpu => ({ name, memoryMiB: 1024, driver, smClockMHz: null, memClockMHz: null });
    const machine = { ...(await captureMachineProfile()), gpus: [gpu('NVIDIA H200', '550.54'), gpu('NVIDIA T4', null)] };
    expect(JSON.parse(ceilingsKey(machine, 'cuda', 1)).gpus).toEqual(['NVIDIA H200 550.54', 'NVIDIA T4 ']);
    const newerDriver = { ...machine, gpus: [gpu('NVIDIA H200', '560.10'), gpu('NVIDIA T4', null)] };
    expect(ceilingsKey(newerDriver, 'cuda', 1)).not.toBe(ceilingsKey(machine, 'cuda', 1));
    expect(JSON.parse(ceilingsKey(machine, 'cpu', 1)).gpus).toEqual([]);
    expect(ceilingsKey(newerDriver, 'cpu', 1)).toBe(ceilingsKey(machine, 'cpu', 1));
  });
});
