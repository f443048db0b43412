import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureMachineProfile } from '../../main/engine/machine/machine-profile.ts';
import { cachedCeilings, ceilingsKey } from '../../main/engine/roofline/ceilings-cache.ts';
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
});
