import { describe, expect, it } from 'vitest';
import { startMeasurementMonitor } from '../../main/engine/measurement-quality/monitor.ts';
import type { CpuFrequencyReading, MachineCpuTimes, MachineProbes } from '../../main/engine/measurement-quality/probes.ts';

/** Each probe answers its readings in turn (the last one again once they run out). */
function scripted(readings: {
  cpu?: (MachineCpuTimes | null)[];
  own?: number[];
  load?: ([number, number, number] | null)[];
  frequency?: (CpuFrequencyReading | null)[];
  throttle?: (number | null)[];
}): MachineProbes {
  const next = <T>(list: T[] | undefined, fallback: T) => {
    let i = 0;
    return () => (list ? list[Math.min(i++, list.length - 1)] : fallback);
  };
  return {
    platform: 'linux',
    logicalCores: 4,
    cpuTimes: next(readings.cpu, null),
    ownCpuMs: next(readings.own, 0),
    loadAverage: next(readings.load, null),
    cpuFrequency: next(readings.frequency, null),
    throttleEvents: next(readings.throttle, null),
    otherRuns: () => [],
  };
}

/** Starts a monitor, samples `samples` times a second apart, and finishes a second later. */
async function monitored(probes: MachineProbes, samples = 0) {
  let now = 0;
  const monitor = startMeasurementMonitor(probes, { nowMs: () => now });
  for (let i = 0; i < samples; i++) {
    now += 1000;
    await monitor.sample();
  }
  now += 1000;
  return monitor.finish();
}

const times = (busyMs: number, totalMs: number, stealMs: number | null = 0): MachineCpuTimes => ({ busyMs, totalMs, stealMs });

describe('startMeasurementMonitor: what it could and could not read', () => {
  it('two CPU readings, the start and the finish, are enough for a share', async () => {
    // 4 cores over 1 s: 4000 ms of capacity, of which others took 1000 ms.
    const q = await monitored(scripted({ cpu: [times(0, 0), times(1000, 4000)] }));
    expect(q.cpu!.othersShare).toBeCloseTo(0.25, 12);
    expect(q.notMeasured).not.toContain('CPU time of other processes');
  });

  it('a load average read at only one end is not measured', async () => {
    for (const load of [[[1, 1, 1], null], [null, [1, 1, 1]]] as ([number, number, number] | null)[][]) {
      const q = await monitored(scripted({ load }));
      expect(q.loadAverage).toBeNull();
      expect(q.notMeasured).toContain('load average');
    }
    const both = await monitored(scripted({ load: [[1, 2, 3], [4, 5, 6]] }));
    expect(both.loadAverage).toEqual({ start: [1, 2, 3], end: [4, 5, 6] });
    expect(both.notMeasured).not.toContain('load average');
  });

  it('counts throttle events between the start and the finish, and only when both are read', async () => {
    const q = await monitored(scripted({ throttle: [5, 8] }));
    expect(q.throttleEvents).toBe(3);
    expect(q.notMeasured).not.toContain('thermal throttling');
    for (const throttle of [[5, null], [null, 5]]) {
      const half = await monitored(scripted({ throttle }));
      expect(half.throttleEvents).toBeNull();
      expect(half.notMeasured).toContain('thermal throttling');
    }
  });

  it('a governor without frequencies is still cpufreq; governors that change name none', async () => {
    const governorOnly = await monitored(scripted({ frequency: [{ governor: 'powersave', mhz: [] }] }));
    expect(governorOnly.frequency).toEqual({ governor: 'powersave', minMHz: 0, maxMHz: 0 });
    expect(governorOnly.notMeasured).not.toContain('CPU frequency (no cpufreq)');
    const changed = await monitored(scripted({ frequency: [{ governor: 'performance', mhz: [3000] }, { governor: 'powersave', mhz: [2000] }] }));
    expect(changed.frequency).toEqual({ governor: null, minMHz: 2000, maxMHz: 3000 });
  });
});

describe("startMeasurementMonitor: others' CPU share", () => {
  it('a span of exactly 100 ms of capacity counts for the peak', async () => {
    // Start to sample: 100 ms of capacity, 80 of it others'; sample to finish: 3900 ms, none.
    const q = await monitored(scripted({ cpu: [times(0, 0), times(80, 100), times(80, 4000)] }), 1);
    expect(q.cpu!.othersPeakShare).toBeCloseTo(0.8, 12);
    expect(q.cpu!.othersShare).toBeCloseTo(0.02, 12);
  });

  it('steal time is its growth over the capacity, and only when read at both ends', async () => {
    const q = await monitored(scripted({ cpu: [times(0, 0, 100), times(400, 4000, 500)] }));
    expect(q.cpu!.stealShare).toBeCloseTo(0.1, 12);
    for (const [from, to] of [[null, 500], [100, null]]) {
      const half = await monitored(scripted({ cpu: [times(0, 0, from), times(400, 4000, to)] }));
      expect(half.cpu!.stealShare).toBeNull();
    }
  });
});
