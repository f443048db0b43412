import { assessMeasurementQuality, type MeasurementQuality } from './measurement-quality.ts';
import type { MachineCpuTimes, MachineProbes, OtherRun } from './probes.ts';

export interface MeasurementMonitor {
  /** Reads the machine again; call between blocks, never inside a measurement. */
  sample(): Promise<void>;
  /** The last reading, and the assessment of everything read since the start. */
  finish(): Promise<MeasurementQuality>;
}

interface CpuReading {
  atMs: number;
  machine: MachineCpuTimes;
  ownMs: number;
}

/**
 * Watches the machine over a measured phase (pyperf's "system show" and instability warning,
 * Google Benchmark's CPU-scaling warning, in one line): CPU time taken by other processes,
 * the load average, other xlir runs, the CPU frequency and thermal throttling. Reads happen at
 * the start, at each `sample` and at `finish`; nothing runs in the background during a block.
 */
export function startMeasurementMonitor(probes: MachineProbes, clock: { nowMs(): number }): MeasurementMonitor {
  const cpu: CpuReading[] = [];
  const mhz: number[] = [];
  /** Every frequency reading adds its governor, null included: empty means cpufreq was never read. */
  const governors = new Set<string | null>();
  const otherRuns = new Map<string, OtherRun>();
  let registryReadable = true;
  const startMs = clock.nowMs();
  const loadStart = probes.loadAverage();
  const throttleStart = probes.throttleEvents();

  const read = async () => {
    const machine = probes.cpuTimes();
    if (machine) cpu.push({ atMs: clock.nowMs(), machine, ownMs: probes.ownCpuMs() });
    const frequency = probes.cpuFrequency();
    if (frequency) {
      mhz.push(...frequency.mhz);
      governors.add(frequency.governor);
    }
    const runs = await probes.otherRuns();
    if (runs === null) registryReadable = false;
    else for (const run of runs) otherRuns.set(run.runId, run);
  };
  const started = read();

  return {
    async sample() {
      await started;
      await read();
    },
    async finish() {
      await started;
      await read();
      const loadEnd = probes.loadAverage();
      const throttleEnd = probes.throttleEvents();
      const notMeasured: string[] = [];
      if (cpu.length < 2) notMeasured.push('CPU time of other processes');
      if (!loadStart || !loadEnd) notMeasured.push('load average');
      if (!registryReadable) notMeasured.push('other xlir runs');
      if (governors.size === 0) notMeasured.push('CPU frequency (no cpufreq)');
      if (throttleStart === null || throttleEnd === null) notMeasured.push('thermal throttling');
      const governor = governors.size === 1 ? [...governors][0] : null;
      return assessMeasurementQuality({
        platform: probes.platform,
        measuredMs: clock.nowMs() - startMs,
        cpu: cpu.length >= 2 ? cpuShares(cpu, probes.logicalCores) : null,
        loadAverage: loadStart && loadEnd ? { start: loadStart, end: loadEnd } : null,
        otherRuns: registryReadable ? [...otherRuns.values()] : null,
        frequency: governors.size > 0 ? { governor, minMHz: mhz.length ? Math.min(...mhz) : 0, maxMHz: mhz.length ? Math.max(...mhz) : 0 } : null,
        throttleEvents: throttleStart !== null && throttleEnd !== null ? throttleEnd - throttleStart : null,
        notMeasured,
      });
    },
  };
}

/** Others' share = (machine busy time − this process's CPU time) ÷ machine capacity, over the whole span and between readings. */
function cpuShares(readings: CpuReading[], logicalCores: number): NonNullable<MeasurementQuality['cpu']> {
  const share = (from: CpuReading, to: CpuReading) => {
    const capacity = to.machine.totalMs - from.machine.totalMs;
    const others = to.machine.busyMs - from.machine.busyMs - (to.ownMs - from.ownMs);
    return capacity > 0 ? Math.min(1, Math.max(0, others / capacity)) : 0;
  };
  const first = readings[0];
  const last = readings[readings.length - 1];
  let peak = 0;
  for (let i = 1; i < readings.length; i++) {
    // Below 100 ms of capacity the 10 ms ticks of /proc/stat make a share meaningless.
    if (readings[i].machine.totalMs - readings[i - 1].machine.totalMs >= 100) peak = Math.max(peak, share(readings[i - 1], readings[i]));
  }
  const capacity = last.machine.totalMs - first.machine.totalMs;
  const steal = first.machine.stealMs !== null && last.machine.stealMs !== null && capacity > 0 ? (last.machine.stealMs - first.machine.stealMs) / capacity : null;
  const wallMs = last.atMs - first.atMs;
  return {
    logicalCores,
    othersShare: share(first, last),
    othersPeakShare: Math.max(peak, share(first, last)),
    ownCores: wallMs > 0 ? (last.ownMs - first.ownMs) / wallMs : 0,
    stealShare: steal,
  };
}
