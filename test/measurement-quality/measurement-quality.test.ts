import { describe, expect, it } from 'vitest';
import { assessMeasurementQuality, BUSY_OTHERS_SHARE, FREQUENCY_CHANGE, MeasurementQualitySchema, NOISY_OTHERS_SHARE, type MeasurementQualityReadings } from '../../main/engine/measurement-quality/measurement-quality.ts';
import { startMeasurementMonitor } from '../../main/engine/measurement-quality/monitor.ts';
import { cpuFrequencyFrom, parseProcPidStatCpuMs, parseProcStat, type MachineProbes } from '../../main/engine/measurement-quality/probes.ts';

const quiet: MeasurementQualityReadings = {
  platform: 'linux',
  measuredMs: 12_340,
  cpu: { logicalCores: 4, othersShare: 0.02, othersPeakShare: 0.05, ownCores: 1.1, stealShare: 0 },
  loadAverage: { start: [0.5, 0.4, 0.3], end: [1.2, 0.6, 0.4] },
  otherRuns: [],
  frequency: { governor: 'performance', minMHz: 3000, maxMHz: 3000 },
  throttleEvents: 0,
  notMeasured: [],
};
const withCpu = (cpu: Partial<NonNullable<MeasurementQualityReadings['cpu']>>) => ({ ...quiet, cpu: { ...quiet.cpu!, ...cpu } });

describe('assessMeasurementQuality', () => {
  it('a quiet machine: one line saying what others took', () => {
    const q = assessMeasurementQuality(quiet);
    expect(q).toMatchObject({ level: 'quiet', findings: [], busyReason: null });
    expect(q.summary).toBe('quiet: other processes took 2% of the CPU during the 12.3 s measured');
  });

  it('busy from half the CPU taken by others (at the threshold, not below it)', () => {
    expect(BUSY_OTHERS_SHARE).toBe(0.5);
    const q = assessMeasurementQuality(withCpu({ othersShare: 0.5 }));
    expect(q.level).toBe('busy');
    expect(q.summary).toBe('busy: other processes took 50% of the CPU (2.0 of 4 cores) during the 12.3 s measured');
    expect(q.busyReason).toBe('the machine was busy (other processes took 50% of the CPU (2.0 of 4 cores) during the 12.3 s measured)');
    expect(assessMeasurementQuality(withCpu({ othersShare: 0.499 })).level).toBe('noisy');
  });

  it('noisy from a tenth of the CPU, from a burst between readings, and from steal time', () => {
    expect(NOISY_OTHERS_SHARE).toBe(0.1);
    expect(assessMeasurementQuality(withCpu({ othersShare: 0.1 })).findings).toEqual(['other processes took 10% of the CPU (0.4 of 4 cores) during the 12.3 s measured']);
    expect(assessMeasurementQuality(withCpu({ othersShare: 0.099 })).level).toBe('quiet');
    expect(assessMeasurementQuality(withCpu({ othersPeakShare: 0.5 })).findings).toEqual(['other processes took 50% of the CPU for a while (2% on average)']);
    expect(assessMeasurementQuality(withCpu({ othersPeakShare: 0.49 })).level).toBe('quiet');
    expect(assessMeasurementQuality(withCpu({ stealShare: 0.1 })).findings).toEqual(['the hypervisor took 10% of the CPU (steal time) for other virtual machines']);
  });

  it('another xlir run makes the machine busy, and is named', () => {
    const q = assessMeasurementQuality({ ...quiet, otherRuns: [{ runId: '0123456789abcdef', kind: 'serve', pid: 77 }] });
    expect(q.level).toBe('busy');
    expect(q.findings).toEqual(['another xlir run was active at the same time: serve 01234567 (pid 77)']);
    const two = assessMeasurementQuality({ ...quiet, otherRuns: [{ runId: 'aaaaaaaaa', kind: 'run', pid: 1 }, { runId: 'bbbbbbbbb', kind: 'sweep', pid: 2 }] });
    expect(two.findings[0]).toBe('2 other xlir runs were active at the same time: run aaaaaaaa (pid 1), sweep bbbbbbbb (pid 2)');
  });

  it('load above the cores, CPU scaling and throttling are noisy', () => {
    expect(assessMeasurementQuality({ ...quiet, loadAverage: { start: [0, 0, 0], end: [4.01, 1, 1] } }).findings).toEqual(['load average 4.01 is above the 4 cores']);
    expect(assessMeasurementQuality({ ...quiet, loadAverage: { start: [0, 0, 0], end: [4, 1, 1] } }).level).toBe('quiet');
    expect(FREQUENCY_CHANGE).toBe(0.1);
    expect(assessMeasurementQuality({ ...quiet, frequency: { governor: 'performance', minMHz: 2699, maxMHz: 3000 } }).findings).toEqual(['the CPU frequency changed between 2699 and 3000 MHz (CPU scaling)']);
    expect(assessMeasurementQuality({ ...quiet, frequency: { governor: 'performance', minMHz: 2700, maxMHz: 3000 } }).level).toBe('quiet');
    expect(assessMeasurementQuality({ ...quiet, frequency: { governor: 'powersave', minMHz: 3000, maxMHz: 3000 } }).findings).toEqual(['CPU frequency scaling is on (governor "powersave"): timings may vary with it']);
    expect(assessMeasurementQuality({ ...quiet, throttleEvents: 3 }).findings).toEqual(['the CPU was thermally throttled 3 time(s)']);
  });

  it('busy findings come first; what could not be measured is listed', () => {
    const q = assessMeasurementQuality({ ...withCpu({ othersShare: 0.7 }), throttleEvents: 1, cpu: { ...quiet.cpu!, othersShare: 0.7 }, notMeasured: ['CPU frequency (no cpufreq)', 'thermal throttling'], frequency: null });
    expect(q.findings[0]).toMatch(/^other processes took 70%/);
    expect(q.summary).toMatch(/; the CPU was thermally throttled 1 time\(s\); not measured: CPU frequency \(no cpufreq\), thermal throttling$/);
    const blind = assessMeasurementQuality({ ...quiet, cpu: null, loadAverage: null, notMeasured: ['CPU time of other processes'] });
    expect(blind.summary).toBe('quiet: nothing disturbing found during the 12.3 s measured; not measured: CPU time of other processes');
  });

  it('every reason for busy is in the reason the differences are withheld', () => {
    const q = assessMeasurementQuality({ ...withCpu({ othersShare: 0.6 }), otherRuns: [{ runId: 'r1', kind: 'run', pid: 5 }] });
    expect(q.busyReason).toBe('the machine was busy (other processes took 60% of the CPU (2.4 of 4 cores) during the 12.3 s measured; another xlir run was active at the same time: run r1 (pid 5))');
  });

  it('a load average without CPU times says nothing about the cores, and an unnamed governor is not a scaling warning', () => {
    expect(assessMeasurementQuality({ ...quiet, cpu: null, loadAverage: { start: [0, 0, 0], end: [64, 64, 64] } }).level).toBe('quiet');
    expect(assessMeasurementQuality({ ...quiet, frequency: { governor: null, minMHz: 3000, maxMHz: 3000 } }).level).toBe('quiet');
  });

  it('is stored and read back whole, at every level', () => {
    const runs = [{ runId: 'r1', kind: 'run', pid: 5 }];
    for (const q of [assessMeasurementQuality(quiet), assessMeasurementQuality(withCpu({ othersShare: 0.2 })), assessMeasurementQuality({ ...quiet, otherRuns: runs })]) {
      expect(MeasurementQualitySchema.parse(JSON.parse(JSON.stringify(q)))).toEqual(q);
    }
    expect(assessMeasurementQuality({ ...quiet, otherRuns: runs }).level).toBe('busy');
    expect(() => MeasurementQualitySchema.parse({ ...assessMeasurementQuality(quiet), level: 'calm' })).toThrow();
    expect(() => MeasurementQualitySchema.parse({ ...assessMeasurementQuality(quiet), loadAverage: { start: [1, 1], end: [1, 1, 1] } })).toThrow();
  });
});

describe('probes: parsing /proc and sysfs', () => {
  it('reads the aggregate cpu line of /proc/stat, steal included, in milliseconds', () => {
    const text = 'cpu  100 20 30 400 50 6 4 10 0 0\ncpu0 50 10 15 200 25 3 2 5 0 0\nintr 1\n';
    expect(parseProcStat(text, 100)).toEqual({ busyMs: 1700, totalMs: 6200, stealMs: 100 });
    expect(parseProcStat('cpu  1 2 3 4\n', 1000)).toEqual({ busyMs: 6, totalMs: 10, stealMs: 0 });
    expect(parseProcStat('intr 1\n', 100)).toBeNull();
    expect(parseProcStat('cpu  a b c d\n', 100)).toBeNull();
  });

  it("reads a process's utime + stime, whatever its command name holds", () => {
    const fields = (name: string) => `4242 (${name}) R 1 4242 4242 0 -1 4194304 102 0 0 0 250 75 0 0 20 0 3 0 82086 2998272 414`;
    expect(parseProcPidStatCpuMs(fields('node'), 100)).toBe(3250);
    expect(parseProcPidStatCpuMs(fields('a) b (c'), 100)).toBe(3250);
    expect(parseProcPidStatCpuMs('1 (x) R 1', 100)).toBeNull();
  });

  it('collects governors and frequencies (kHz files) across CPUs', () => {
    expect(cpuFrequencyFrom([{ governor: 'performance\n', curKhz: '3000000\n' }, { governor: 'performance', curKhz: '2800000' }])).toEqual({ governor: 'performance', mhz: [3000, 2800] });
    expect(cpuFrequencyFrom([{ governor: 'powersave', curKhz: null }, { governor: 'performance', curKhz: 'x' }])).toEqual({ governor: null, mhz: [] });
    expect(cpuFrequencyFrom([{ governor: null, curKhz: null }])).toBeNull();
  });
});

/** A machine whose readings depend on how far the test clock has moved. */
function fakeMachine(clock: { nowMs(): number }, options: { othersCores: (atMs: number) => number; ownCores: number; runs?: () => { runId: string; kind: string; pid: number }[] | null; mhz?: (atMs: number) => number }): MachineProbes {
  let othersMs = 0;
  let lastMs = clock.nowMs();
  const advance = () => {
    const now = clock.nowMs();
    othersMs += options.othersCores(lastMs) * (now - lastMs);
    lastMs = now;
  };
  const startMs = clock.nowMs();
  return {
    platform: 'linux',
    logicalCores: 4,
    cpuTimes() {
      advance();
      const elapsed = clock.nowMs() - startMs;
      const own = options.ownCores * elapsed;
      return { busyMs: 1_000_000 + othersMs + own, totalMs: 4_000_000 + 4 * elapsed, stealMs: 500 };
    },
    ownCpuMs: () => 9_000 + options.ownCores * (clock.nowMs() - startMs),
    loadAverage: () => [1 + clock.nowMs() / 1e6, 1, 1],
    cpuFrequency: () => (options.mhz ? { governor: 'performance', mhz: [options.mhz(clock.nowMs())] } : null),
    throttleEvents: () => null,
    otherRuns: options.runs ?? (() => []),
  };
}

describe('startMeasurementMonitor', () => {
  it("others' share over the phase and its peak between readings, from machine minus own CPU time", async () => {
    let now = 5_000;
    const clock = { nowMs: () => now };
    // Others use 0.4 cores for the first 2 s, then 3.6 cores for 1 s, then 0.4 again for 1 s.
    const probes = fakeMachine(clock, { othersCores: (t) => (t >= 7_000 && t < 8_000 ? 3.6 : 0.4), ownCores: 1 });
    const monitor = startMeasurementMonitor(probes, clock);
    for (const step of [2_000, 1_000, 1_000]) {
      now += step;
      await monitor.sample();
    }
    now += 0;
    const q = await monitor.finish();
    // (0.4·3000 + 3.6·1000) ms over 4 cores × 4000 ms = 4800 / 16000 = 0.3.
    expect(q.cpu!.othersShare).toBeCloseTo(0.3, 12);
    expect(q.cpu!.othersPeakShare).toBeCloseTo(0.9, 12);
    expect(q.cpu!.ownCores).toBeCloseTo(1, 12);
    expect(q.cpu!.stealShare).toBe(0);
    expect(q.measuredMs).toBe(4_000);
    expect(q.loadAverage).toEqual({ start: [1.005, 1, 1], end: [1.009, 1, 1] });
    expect(q.level).toBe('noisy');
    expect(q.notMeasured).toEqual(['CPU frequency (no cpufreq)', 'thermal throttling']);
  });

  it('collects every other run seen at any reading, and frequency extremes', async () => {
    let now = 100;
    const clock = { nowMs: () => now };
    const seen = [[], [{ runId: 'r1', kind: 'run', pid: 10 }], [{ runId: 'r1', kind: 'run', pid: 10 }, { runId: 'r2', kind: 'sweep', pid: 11 }], []];
    let reading = 0;
    const probes = fakeMachine(clock, { othersCores: () => 0, ownCores: 1, runs: () => seen[reading++] ?? [], mhz: (t) => 3000 - t / 10 });
    const monitor = startMeasurementMonitor(probes, clock);
    now += 1000;
    await monitor.sample();
    now += 1000;
    await monitor.sample();
    now += 1000;
    const q = await monitor.finish();
    expect(q.otherRuns!.map((r) => r.runId)).toEqual(['r1', 'r2']);
    expect(q.level).toBe('busy');
    expect(q.frequency).toEqual({ governor: 'performance', minMHz: 2690, maxMHz: 2990 });
  });

  it('ignores spans too short for /proc/stat ticks when looking for a burst, and clamps shares to 0–1', async () => {
    let now = 1_000;
    const clock = { nowMs: () => now };
    // 20 ms of 4 cores busy (80 ms of capacity: under the 100 ms a share needs), then 2 s of 0.2 cores.
    const probes = fakeMachine(clock, { othersCores: (t) => (t < 1_020 ? 4 : 0.2), ownCores: 0 });
    const monitor = startMeasurementMonitor(probes, clock);
    now += 20;
    await monitor.sample();
    now += 2_000;
    const q = await monitor.finish();
    // The 20 ms burst (a share of 1) is not a peak; the 2 s span's 0.05 is below the whole run's share.
    expect(q.cpu!.othersShare).toBeCloseTo((80 + 400) / (4 * 2_020), 12);
    expect(q.cpu!.othersPeakShare).toBe(q.cpu!.othersShare);

    // This process claims more than the machine used (tick rounding): others' share is 0, not negative.
    let t = 0;
    const greedy = fakeMachine({ nowMs: () => t }, { othersCores: () => 0, ownCores: 1 });
    const lying = { ...greedy, ownCpuMs: () => 9_000 + 3 * t };
    const m = startMeasurementMonitor(lying, { nowMs: () => t });
    t += 1_000;
    expect((await m.finish()).cpu!.othersShare).toBe(0);
  });

  it('with no time passed, reports zero shares rather than dividing by zero', async () => {
    const clock = { nowMs: () => 42 };
    const q = await startMeasurementMonitor(fakeMachine(clock, { othersCores: () => 1, ownCores: 1 }), clock).finish();
    expect(q.cpu).toEqual({ logicalCores: 4, othersShare: 0, othersPeakShare: 0, ownCores: 0, stealShare: null });
    expect(q.measuredMs).toBe(0);
  });

  it('says "not measured" for what the machine does not offer, and for a registry it was not given', async () => {
    const clock = { nowMs: () => 0 };
    const blind: MachineProbes = { platform: 'win32', logicalCores: 2, cpuTimes: () => null, ownCpuMs: () => 0, loadAverage: () => null, cpuFrequency: () => null, throttleEvents: () => null, otherRuns: async () => null };
    const q = await startMeasurementMonitor(blind, clock).finish();
    expect(q).toMatchObject({ level: 'quiet', cpu: null, loadAverage: null, otherRuns: null, frequency: null, throttleEvents: null });
    expect(q.notMeasured).toEqual(['CPU time of other processes', 'load average', 'other xlir runs', 'CPU frequency (no cpufreq)', 'thermal throttling']);
  });
});

describe('systemProbes on this machine', () => {
  it('reads CPU times that grow, and its own CPU time', async () => {
    const { systemProbes } = await import('../../main/engine/measurement-quality/probes.ts');
    const probes = systemProbes(() => [{ runId: 'x', kind: 'run', pid: 1 }]);
    const first = probes.cpuTimes()!;
    const own = probes.ownCpuMs();
    let spin = 0;
    for (let i = 0; i < 3e7; i++) spin += i;
    expect(spin).toBeGreaterThan(0);
    const second = probes.cpuTimes()!;
    expect(second.totalMs).toBeGreaterThanOrEqual(first.totalMs);
    expect(second.busyMs).toBeGreaterThanOrEqual(first.busyMs);
    expect(first.totalMs).toBeGreaterThan(first.busyMs);
    expect(probes.ownCpuMs()).toBeGreaterThanOrEqual(own);
    expect(probes.logicalCores).toBeGreaterThan(0);
    expect(await probes.otherRuns()).toEqual([{ runId: 'x', kind: 'run', pid: 1 }]);
    expect(systemProbes().otherRuns()).toBeNull();
  });
});
