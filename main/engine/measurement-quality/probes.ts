import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** CPU time of the whole machine since boot, all CPUs together, in milliseconds. */
export interface MachineCpuTimes {
  /** Time not idle: user, nice, system, irq, softirq and steal. */
  busyMs: number;
  /** busyMs + idle + iowait: the capacity that passed (cores × wall time). */
  totalMs: number;
  /** Taken by the hypervisor for other virtual machines (Linux `steal`); null where not reported. */
  stealMs: number | null;
}

/** One reading of the CPU frequency: the governor and every CPU's current frequency. */
export interface CpuFrequencyReading {
  /** e.g. `performance`, `powersave`, `schedutil`; null when the CPUs disagree or none says. */
  governor: string | null;
  mhz: number[];
}

/** Another xlir process measuring on this machine, as the active-runs registry lists it. */
export interface OtherRun {
  runId: string;
  kind: string;
  pid: number;
}

/**
 * Everything the monitor reads from the machine, behind one interface so that tests can drive it
 * with fakes. A probe returns null for "not measured here" (no such file, another OS).
 */
export interface MachineProbes {
  platform: string;
  logicalCores: number;
  cpuTimes(): MachineCpuTimes | null;
  /** CPU time of this process (all its threads), milliseconds. */
  ownCpuMs(): number;
  loadAverage(): [number, number, number] | null;
  cpuFrequency(): CpuFrequencyReading | null;
  /** Thermal throttle events since boot, summed over CPUs (Linux, Intel: `thermal_throttle`). */
  throttleEvents(): number | null;
  /** Other xlir runs active now (the registry lives in the store: injected by the caller, perhaps across a thread). */
  otherRuns(): OtherRun[] | null | Promise<OtherRun[] | null>;
}

/**
 * Parses the aggregate `cpu` line of Linux's /proc/stat: user nice system idle iowait irq softirq
 * steal (guest time is already inside user), in clock ticks.
 */
export function parseProcStat(text: string, ticksPerSecond: number): MachineCpuTimes | null {
  const line = text.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const [user, nice, system, idle, iowait = 0, irq = 0, softirq = 0, steal = 0] = line.trim().split(/\s+/).slice(1).map(Number);
  if ([user, nice, system, idle].some((v) => !Number.isFinite(v))) return null;
  const toMs = (ticks: number) => (ticks * 1000) / ticksPerSecond;
  const busy = user + nice + system + irq + softirq + steal;
  return { busyMs: toMs(busy), totalMs: toMs(busy + idle + iowait), stealMs: toMs(steal) };
}

/**
 * Fields 14 and 15 (utime, stime) of /proc/<pid>/stat, in milliseconds. The command name (field
 * 2) may hold spaces and parentheses, so fields are counted from the last ')'.
 */
export function parseProcPidStatCpuMs(text: string, ticksPerSecond: number): number | null {
  const after = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // `after` starts at field 3 (state): utime is field 14, at index 11.
  const utime = Number(after[11]);
  const stime = Number(after[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? ((utime + stime) * 1000) / ticksPerSecond : null;
}

/** The governors and current frequencies (kHz files) of Linux's cpufreq, one entry per CPU. */
export function cpuFrequencyFrom(files: { governor: string | null; curKhz: string | null }[]): CpuFrequencyReading | null {
  const mhz = files.flatMap((f) => (f.curKhz !== null && Number.isFinite(Number(f.curKhz)) ? [Number(f.curKhz) / 1000] : []));
  const governors = new Set(files.flatMap((f) => (f.governor ? [f.governor.trim()] : [])));
  if (mhz.length === 0 && governors.size === 0) return null;
  return { governor: governors.size === 1 ? [...governors][0] : null, mhz };
}

/** USER_HZ: 100 on every Linux architecture Node runs on (x86, arm64, ppc64le, s390x). */
const LINUX_TICKS_PER_SECOND = 100;

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function cpuDirs(): string[] {
  const root = '/sys/devices/system/cpu';
  try {
    return readdirSync(root).filter((name) => /^cpu\d+$/.test(name)).map((name) => path.join(root, name));
  } catch {
    return [];
  }
}

/**
 * The real machine. Linux: /proc/stat (with steal time), /proc/self/stat, cpufreq and
 * thermal_throttle in sysfs (often absent in virtual machines: then "not measured"). Elsewhere:
 * `os.cpus()` times (no steal), `process.cpuUsage()`, and the load average where the OS has one
 * (Windows reports zeros: not measured).
 */
export function systemProbes(otherRuns: MachineProbes['otherRuns'] = () => null): MachineProbes {
  const linux = process.platform === 'linux';
  const cpus = linux ? cpuDirs() : [];
  return {
    platform: process.platform,
    logicalCores: os.availableParallelism(),
    cpuTimes() {
      if (linux) {
        const text = readText('/proc/stat');
        if (text !== null) return parseProcStat(text, LINUX_TICKS_PER_SECOND);
      }
      let busyMs = 0;
      let totalMs = 0;
      for (const { times } of os.cpus()) {
        busyMs += times.user + times.nice + times.sys + times.irq;
        totalMs += times.user + times.nice + times.sys + times.irq + times.idle;
      }
      return totalMs > 0 ? { busyMs, totalMs, stealMs: null } : null;
    },
    ownCpuMs() {
      const text = linux ? readText('/proc/self/stat') : null;
      const fromProc = text === null ? null : parseProcPidStatCpuMs(text, LINUX_TICKS_PER_SECOND);
      if (fromProc !== null) return fromProc;
      const usage = process.cpuUsage();
      return (usage.user + usage.system) / 1000;
    },
    loadAverage() {
      const load = os.loadavg() as [number, number, number];
      return process.platform === 'win32' ? null : load;
    },
    cpuFrequency() {
      return cpuFrequencyFrom(cpus.map((dir) => ({ governor: readText(path.join(dir, 'cpufreq/scaling_governor')), curKhz: readText(path.join(dir, 'cpufreq/scaling_cur_freq')) })));
    },
    throttleEvents() {
      const counts = cpus.map((dir) => readText(path.join(dir, 'thermal_throttle/core_throttle_count'))).filter((t): t is string => t !== null);
      return counts.length > 0 ? counts.reduce((sum, t) => sum + Number(t), 0) : null;
    },
    otherRuns,
  };
}
