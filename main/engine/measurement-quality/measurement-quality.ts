import { z } from 'zod';

/**
 * How quiet the machine was while latency was measured, and what that means for the verdicts
 * (QUALITY.md has every rule and its reason). `busy` withholds latency differences
 * ("inconclusive: the machine was busy …"); `noisy` keeps them but says what disturbed the run.
 */
export const OtherRunSchema = z.object({ runId: z.string(), kind: z.string(), pid: z.number().int() });

const LoadAverageSchema = z.tuple([z.number(), z.number(), z.number()]);

export const MeasurementQualitySchema = z.object({
  level: z.enum(['quiet', 'noisy', 'busy']),
  /** The measurement-quality line every face shows. */
  summary: z.string(),
  /** One sentence per finding, the ones that make the run busy first. */
  findings: z.array(z.string()),
  /** Why latency differences are withheld; null unless `busy`. */
  busyReason: z.string().nullable(),
  platform: z.string(),
  /** Wall time the monitor covered (the latency phase). */
  measuredMs: z.number(),
  /** Null: CPU times are not readable here. */
  cpu: z
    .object({
      logicalCores: z.number().int(),
      /** Share of the machine's CPU capacity (cores × time) used by other processes. */
      othersShare: z.number(),
      /** The highest share between two consecutive samples (blocks): a burst the average hides. */
      othersPeakShare: z.number(),
      /** CPU used by this process, in cores. */
      ownCores: z.number(),
      /** Share taken by the hypervisor (Linux steal time); null where not reported. */
      stealShare: z.number().nullable(),
    })
    .nullable(),
  /** 1-, 5- and 15-minute load averages at the start and end; null where the OS has none. */
  loadAverage: z.object({ start: LoadAverageSchema, end: LoadAverageSchema }).nullable(),
  /** Other xlir runs seen active at any sample; null where the registry was not available. */
  otherRuns: z.array(OtherRunSchema).nullable(),
  /** Null: no cpufreq (e.g. most virtual machines, macOS, Windows). */
  frequency: z.object({ governor: z.string().nullable(), minMHz: z.number(), maxMHz: z.number() }).nullable(),
  /** Thermal throttle events during the measurement; null where not readable. */
  throttleEvents: z.number().int().nullable(),
  /** What could not be measured on this machine, in words. */
  notMeasured: z.array(z.string()),
});

export type MeasurementQuality = z.infer<typeof MeasurementQualitySchema>;
export type MeasurementQualityReadings = Omit<MeasurementQuality, 'level' | 'summary' | 'findings' | 'busyReason'>;

/** Others using half the machine or more: the measurement shares its cores with them. */
export const BUSY_OTHERS_SHARE = 0.5;
/** Others using a tenth or more: worth a warning. */
export const NOISY_OTHERS_SHARE = 0.1;
/** A frequency that moved by more than this fraction of its maximum: CPU scaling was active. */
export const FREQUENCY_CHANGE = 0.1;

const pct = (share: number) => `${Math.round(share * 100)}%`;

/** The level, findings and line of a set of readings, by the rules in QUALITY.md. */
export function assessMeasurementQuality(r: MeasurementQualityReadings): MeasurementQuality {
  const busy: string[] = [];
  const noisy: string[] = [];
  const seconds = `${(r.measuredMs / 1000).toFixed(1)} s`;
  if (r.cpu) {
    const cores = `${(r.cpu.othersShare * r.cpu.logicalCores).toFixed(1)} of ${r.cpu.logicalCores} cores`;
    const text = `other processes took ${pct(r.cpu.othersShare)} of the CPU (${cores}) during the ${seconds} measured`;
    if (r.cpu.othersShare >= BUSY_OTHERS_SHARE) busy.push(text);
    else if (r.cpu.othersShare >= NOISY_OTHERS_SHARE) noisy.push(text);
    else if (r.cpu.othersPeakShare >= BUSY_OTHERS_SHARE) noisy.push(`other processes took ${pct(r.cpu.othersPeakShare)} of the CPU for a while (${pct(r.cpu.othersShare)} on average)`);
    if (r.cpu.stealShare !== null && r.cpu.stealShare >= NOISY_OTHERS_SHARE) noisy.push(`the hypervisor took ${pct(r.cpu.stealShare)} of the CPU (steal time) for other virtual machines`);
  }
  if (r.otherRuns && r.otherRuns.length > 0) {
    const list = r.otherRuns.map((o) => `${o.kind} ${o.runId.slice(0, 8)} (pid ${o.pid})`).join(', ');
    busy.push(`${r.otherRuns.length === 1 ? 'another xlir run was' : `${r.otherRuns.length} other xlir runs were`} active at the same time: ${list}`);
  }
  if (r.loadAverage && r.cpu && r.loadAverage.end[0] > r.cpu.logicalCores) {
    noisy.push(`load average ${r.loadAverage.end[0].toFixed(2)} is above the ${r.cpu.logicalCores} cores`);
  }
  if (r.frequency) {
    if (r.frequency.maxMHz > 0 && (r.frequency.maxMHz - r.frequency.minMHz) / r.frequency.maxMHz > FREQUENCY_CHANGE) {
      noisy.push(`the CPU frequency changed between ${Math.round(r.frequency.minMHz)} and ${Math.round(r.frequency.maxMHz)} MHz (CPU scaling)`);
    } else if (r.frequency.governor !== null && r.frequency.governor !== 'performance') {
      noisy.push(`CPU frequency scaling is on (governor "${r.frequency.governor}"): timings may vary with it`);
    }
  }
  if (r.throttleEvents !== null && r.throttleEvents > 0) noisy.push(`the CPU was thermally throttled ${r.throttleEvents} time(s)`);

  const level = busy.length > 0 ? 'busy' : noisy.length > 0 ? 'noisy' : 'quiet';
  const findings = [...busy, ...noisy];
  const facts = findings.length > 0 ? findings : [r.cpu ? `other processes took ${pct(r.cpu.othersShare)} of the CPU during the ${seconds} measured` : `nothing disturbing found during the ${seconds} measured`];
  const notMeasured = r.notMeasured.length > 0 ? `; not measured: ${r.notMeasured.join(', ')}` : '';
  return {
    ...r,
    level,
    summary: `${level}: ${facts.join('; ')}${notMeasured}`,
    findings,
    busyReason: level === 'busy' ? `the machine was busy (${busy.join('; ')})` : null,
  };
}
