import { z } from 'zod';
import { percentileOfSorted, sortedCopy } from '../latency/percentiles.ts';
import { ExecutionProviderSchema } from '../models/execution-providers.ts';
import { EfficiencySchema } from '../roofline/efficiency.ts';

/** The session settings of a configuration: what the user can choose. */
export const SweepSettingsSchema = z.object({
  provider: ExecutionProviderSchema,
  variant: z.string(),
  /** Null for CUDA, where intra-op threads only serve the few ops left on the CPU. */
  threads: z.number().int().nullable(),
});
export type SweepSettings = z.infer<typeof SweepSettingsSchema>;

/** The input of a configuration: what the workload is. */
export const SweepWorkloadSchema = z.object({ batchSize: z.number().int(), tokens: z.number().int() });
export type SweepWorkload = z.infer<typeof SweepWorkloadSchema>;

export const ConfigurationResultSchema = z.object({
  settings: SweepSettingsSchema,
  workload: SweepWorkloadSchema,
  /** Every timed run, milliseconds per graph run (a whole batch), round by round. */
  roundTimesMs: z.array(z.array(z.number())),
  /** Median over all timed runs. */
  medianMs: z.number(),
  /** Run-to-run spread: the median of each round, and their min, median and max. */
  roundMediansMs: z.array(z.number()),
  spread: z.object({ minMs: z.number(), medianMs: z.number(), maxMs: z.number(), relative: z.number() }),
  queriesPerSecond: z.number(),
  efficiency: EfficiencySchema.nullable(),
});
export type ConfigurationResult = z.infer<typeof ConfigurationResultSchema>;

const median = (values: readonly number[]) => percentileOfSorted(sortedCopy(values), 50);

/** Median, spread of the round medians ((max − min) ÷ median) and throughput of one configuration. */
export function summarizeRounds(roundTimesMs: readonly (readonly number[])[], batchSize: number) {
  const all = roundTimesMs.flat();
  if (all.length === 0) throw new RangeError('a configuration needs at least one timed run');
  const roundMediansMs = roundTimesMs.filter((r) => r.length > 0).map(median);
  const medianMs = median(all);
  const spread = {
    minMs: Math.min(...roundMediansMs),
    medianMs: median(roundMediansMs),
    maxMs: Math.max(...roundMediansMs),
    relative: (Math.max(...roundMediansMs) - Math.min(...roundMediansMs)) / medianMs,
  };
  return { medianMs, roundMediansMs, spread, queriesPerSecond: (batchSize * 1000) / medianMs };
}

export const BestSettingsSchema = z.object({
  settings: SweepSettingsSchema,
  /** Geometric mean over workloads of (this setting's median ÷ the best median for the workload): 1 = fastest everywhere. */
  relativeTime: z.number(),
  /** Workloads where it was the fastest. */
  wins: z.number().int(),
  /** Per workload: the fastest settings and their median. */
  perWorkload: z.array(z.object({ workload: SweepWorkloadSchema, settings: SweepSettingsSchema, medianMs: z.number() })),
});
export type BestSettings = z.infer<typeof BestSettingsSchema>;

const settingsKey = (s: SweepSettings) => `${s.provider}|${s.variant}|${s.threads ?? ''}`;
const workloadKey = (w: SweepWorkload) => `${w.batchSize}x${w.tokens}`;

/**
 * The best settings over all workloads: the lowest geometric mean of its time relative to the
 * fastest settings of each workload. A setting measured on only some workloads (e.g. a variant
 * that failed for one) competes on those only. Null when nothing was measured.
 */
export function pickBest(results: readonly Pick<ConfigurationResult, 'settings' | 'workload' | 'medianMs'>[]): BestSettings | null {
  if (results.length === 0) return null;
  const fastest = new Map<string, Pick<ConfigurationResult, 'settings' | 'workload' | 'medianMs'>>();
  for (const r of results) {
    const key = workloadKey(r.workload);
    const current = fastest.get(key);
    if (!current || r.medianMs < current.medianMs) fastest.set(key, r);
  }
  const scores = new Map<string, { settings: SweepSettings; logSum: number; n: number; wins: number }>();
  for (const r of results) {
    const key = settingsKey(r.settings);
    let score = scores.get(key);
    if (!score) scores.set(key, (score = { settings: r.settings, logSum: 0, n: 0, wins: 0 }));
    const best = fastest.get(workloadKey(r.workload))!;
    score.logSum += Math.log(r.medianMs / best.medianMs);
    score.n += 1;
    if (best === r) score.wins += 1;
  }
  const ranked = [...scores.values()].sort((a, b) => a.logSum / a.n - b.logSum / b.n || b.wins - a.wins);
  const top = ranked[0];
  return {
    settings: top.settings,
    relativeTime: Math.exp(top.logSum / top.n),
    wins: top.wins,
    perWorkload: [...fastest.values()].map((r) => ({ workload: r.workload, settings: r.settings, medianMs: r.medianMs })),
  };
}
