import os from 'node:os';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The files systemProbes reads, by path; a path not here does not exist. */
const files = new Map<string, string>();
let cpuEntries: string[] | null = [];

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const missing = (file: unknown) => Object.assign(new Error(`ENOENT: ${String(file)}`), { code: 'ENOENT' });
  return {
    ...fs,
    readFileSync: (file: string) => {
      const text = files.get(file);
      if (text === undefined) throw missing(file);
      return text;
    },
    readdirSync: (dir: string) => {
      if (dir !== '/sys/devices/system/cpu' || cpuEntries === null) throw missing(dir);
      return cpuEntries;
    },
  };
});

const { cpuFrequencyFrom, parseProcPidStatCpuMs, parseProcStat, systemProbes } = await import('../../main/engine/measurement-quality/probes.ts');

const realPlatform = process.platform;
const onPlatform = (platform: NodeJS.Platform) => Object.defineProperty(process, 'platform', { value: platform, configurable: true });
const cpuTimes = (user: number, nice: number, sys: number, idle: number, irq: number) => ({ model: 'cpu', speed: 1, times: { user, nice, sys, idle, irq } });

beforeEach(() => {
  files.clear();
  cpuEntries = [];
});
afterEach(() => {
  onPlatform(realPlatform);
  vi.restoreAllMocks();
});

describe('parsing /proc and sysfs: what is refused', () => {
  it('finds the aggregate cpu line wherever it is, and refuses a truncated one', () => {
    expect(parseProcStat('intr 1\ncpu0 5 5 5 5\ncpu  1 2 3 4\n', 100)).toEqual({ busyMs: 60, totalMs: 100, stealMs: 0 });
    // Three fields and a trailing space: no idle time, so no reading (not idle = 0).
    expect(parseProcStat('cpu  1 2 3 \n', 100)).toBeNull();
    expect(parseProcStat('cpu  1 2 x 4\n', 100)).toBeNull();
  });

  it('refuses a process stat line cut before stime', () => {
    expect(parseProcPidStatCpuMs('1 (x) R 1 2 3 4 5 6 7 8 9 10 250', 100)).toBeNull();
  });

  it('keeps frequencies from CPUs that name no governor', () => {
    expect(cpuFrequencyFrom([{ governor: null, curKhz: '2400000' }])).toEqual({ governor: null, mhz: [2400] });
  });
});

describe('systemProbes on Linux', () => {
  beforeEach(() => onPlatform('linux'));

  it('reads /proc/stat and /proc/self/stat in 10 ms ticks', () => {
    files.set('/proc/stat', 'cpu  100 20 30 400 50 6 4 10 0 0\n');
    files.set('/proc/self/stat', '99 (node) R 1 99 99 0 -1 0 0 0 0 0 250 75 0 0 20 0 3 0 1 1 1');
    const probes = systemProbes();
    expect(probes.platform).toBe('linux');
    expect(probes.cpuTimes()).toEqual({ busyMs: 1700, totalMs: 6200, stealMs: 100 });
    expect(probes.ownCpuMs()).toBe(3250);
  });

  it('falls back to os.cpus() and process.cpuUsage() where /proc cannot be read', () => {
    vi.spyOn(os, 'cpus').mockReturnValue([cpuTimes(100, 10, 50, 800, 5), cpuTimes(200, 0, 30, 700, 0)]);
    vi.spyOn(process, 'cpuUsage').mockReturnValue({ user: 1_500_000, system: 500_000 });
    const probes = systemProbes();
    // Busy: user + nice + sys + irq over both CPUs; total adds idle. No steal outside /proc.
    expect(probes.cpuTimes()).toEqual({ busyMs: 395, totalMs: 1895, stealMs: null });
    expect(probes.ownCpuMs()).toBe(2000);
  });

  it('reads every CPU directory, not the other entries of /sys/devices/system/cpu', () => {
    // Real entries (cpufreq, cpuidle, online) and names that only look like a CPU's.
    cpuEntries = ['cpu0', 'cpu12', 'cpufreq', 'cpuidle', 'online', 'nocpu3', 'cpu4x'];
    for (const [entry, n] of [['cpu0', 0], ['cpu12', 12], ['nocpu3', 3], ['cpu4x', 4], ['cpufreq', 5]] as const) {
      files.set(`/sys/devices/system/cpu/${entry}/cpufreq/scaling_governor`, 'performance\n');
      files.set(`/sys/devices/system/cpu/${entry}/cpufreq/scaling_cur_freq`, `${(n + 1) * 100_000}\n`);
      files.set(`/sys/devices/system/cpu/${entry}/thermal_throttle/core_throttle_count`, `${n + 1}\n`);
    }
    const probes = systemProbes();
    expect(probes.cpuFrequency()).toEqual({ governor: 'performance', mhz: [100, 1300] });
    expect(probes.throttleEvents()).toBe(1 + 13);
  });

  it('counts throttling only where a CPU reports it, and reports nothing without cpufreq or CPUs', () => {
    cpuEntries = ['cpu0', 'cpu1'];
    files.set('/sys/devices/system/cpu/cpu1/thermal_throttle/core_throttle_count', '7\n');
    const probes = systemProbes();
    expect(probes.throttleEvents()).toBe(7);
    expect(probes.cpuFrequency()).toBeNull();
    cpuEntries = ['cpu0'];
    expect(systemProbes().throttleEvents()).toBeNull();
    cpuEntries = null;
    expect(systemProbes().cpuFrequency()).toBeNull();
    expect(systemProbes().throttleEvents()).toBeNull();
  });
});

describe('systemProbes elsewhere', () => {
  it('macOS: os.cpus() times and the load average, no sysfs even where the files exist', () => {
    onPlatform('darwin');
    files.set('/proc/stat', 'cpu  1 1 1 1\n');
    files.set('/proc/self/stat', '99 (node) R 1 99 99 0 -1 0 0 0 0 0 250 75 0 0 20 0 3 0 1 1 1');
    cpuEntries = ['cpu0'];
    files.set('/sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count', '7\n');
    vi.spyOn(os, 'cpus').mockReturnValue([cpuTimes(10, 0, 10, 80, 0)]);
    vi.spyOn(os, 'loadavg').mockReturnValue([1.5, 1, 0.5]);
    vi.spyOn(process, 'cpuUsage').mockReturnValue({ user: 3000, system: 1000 });
    const probes = systemProbes();
    expect(probes.platform).toBe('darwin');
    expect(probes.cpuTimes()).toEqual({ busyMs: 20, totalMs: 100, stealMs: null });
    expect(probes.ownCpuMs()).toBe(4);
    expect(probes.loadAverage()).toEqual([1.5, 1, 0.5]);
    expect(probes.cpuFrequency()).toBeNull();
    expect(probes.throttleEvents()).toBeNull();
  });

  it('Windows: no load average (it reports zeros), and no CPU times where the OS gives none', () => {
    onPlatform('win32');
    vi.spyOn(os, 'cpus').mockReturnValue([]);
    const probes = systemProbes();
    expect(probes.loadAverage()).toBeNull();
    expect(probes.cpuTimes()).toBeNull();
  });
});
