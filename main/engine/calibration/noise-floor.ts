import os from 'node:os';
import { z } from 'zod';
import type { MachineProfile } from '../machine/machine-profile.ts';
import type { LatencyComparison } from '../latency/compare.ts';
import { studentTQuantile } from '../latency/student-t.ts';

/**
 * This machine's noise floor, from an A/A run (`xlir calibrate`: one model measured as two
 * systems in interleaved rounds): how far apart two identical systems' rounds land, and from that
 * the smallest latency difference a run of a given length resolves (latency/VERDICT.md,
 * "Calibration").
 */
export const NoiseFloorSchema = z.object({
  model: z.string(),
  sha256: z.string(),
  scenario: z.enum(['single-stream', 'offline', 'server']),
  intraOpThreads: z.number().int().nullable(),
  rounds: z.number().int(),
  /** Wall time of one round (both blocks with their warm-ups). */
  roundSeconds: z.number(),
  /** Standard deviation of ln(per-round ratio): the spread the interval across rounds is made of. */
  roundSpread: z.number(),
  /** The A/A ratio and its interval: an interval excluding 1 here is a false difference. */
  ratio: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  /** The smallest difference (fraction) a run of `rounds` rounds detects 4 times in 5 at 95% confidence. */
  resolvable: z.number(),
  /** Resolvable difference for longer runs of the same block length: ×1, ×2, ×4, ×8 the rounds. */
  lengths: z.array(z.object({ rounds: z.number().int(), seconds: z.number(), resolvable: z.number() })),
  /** Rounds (and seconds) a run needs to resolve a 2% difference; null beyond 10,000 rounds. */
  for2Percent: z.object({ rounds: z.number().int(), seconds: z.number() }).nullable(),
});

export type NoiseFloor = z.infer<typeof NoiseFloorSchema>;

/** Two-sided level and power of the "resolvable difference". */
const CONFIDENCE = 0.95;
const POWER = 0.8;
const MAX_ROUNDS = 10_000;

/**
 * The smallest true difference (a fraction: 0.02 is 2%) that a run of `rounds` rounds, with
 * per-round spread `spread` (sd of ln ratio), detects with 80% power at 95% confidence: the
 * one-sample t test's minimal detectable effect, exp((t_{0.975,n−1} + t_{0.8,n−1}) · s / √n) − 1.
 */
export function resolvableDifference(spread: number, rounds: number): number {
  if (!Number.isInteger(rounds) || rounds < 2) throw new RangeError(`a resolvable difference needs at least 2 rounds, got ${rounds}`);
  if (!(spread >= 0)) throw new RangeError(`the per-round spread must be ≥ 0, got ${spread}`);
  const df = rounds - 1;
  return Math.exp(((studentTQuantile((1 + CONFIDENCE) / 2, df) + studentTQuantile(POWER, df)) * spread) / Math.sqrt(rounds)) - 1;
}

/** The fewest rounds that resolve `difference`; null if more than 10,000 would be needed. */
export function roundsToResolve(spread: number, difference: number): number | null {
  if (resolvableDifference(spread, MAX_ROUNDS) > difference) return null;
  // The resolvable difference shrinks as rounds grow: bisect for the first count that reaches it.
  let low = 1;
  let high = MAX_ROUNDS;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (resolvableDifference(spread, mid) <= difference) high = mid;
    else low = mid;
  }
  return high;
}

/** The sample standard deviation of ln(ratio) over rounds. */
export function roundSpread(roundRatios: readonly number[]): number {
  const logs = roundRatios.map(Math.log);
  const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
  return Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / (logs.length - 1));
}

/**
 * The noise floor of an A/A comparison measured in paired rounds; null for any other comparison
 * (the bootstrap of queries has no rounds to read the spread from).
 */
export function noiseFloorOf(
  comparison: LatencyComparison,
  run: { model: string; sha256: string; scenario: NoiseFloor['scenario']; intraOpThreads: number | null; latencyPhaseMs: number },
): NoiseFloor | null {
  const ratios = comparison.roundRatios;
  if (comparison.method !== 'paired-rounds' || !ratios || ratios.length < 2) return null;
  const rounds = ratios.length;
  const spread = roundSpread(ratios);
  const roundSeconds = run.latencyPhaseMs / 1000 / rounds;
  const needed = roundsToResolve(spread, 0.02);
  return {
    model: run.model,
    sha256: run.sha256,
    scenario: run.scenario,
    intraOpThreads: run.intraOpThreads,
    rounds,
    roundSeconds,
    roundSpread: spread,
    ratio: comparison.median.ratio,
    ciLow: comparison.median.ciLow,
    ciHigh: comparison.median.ciHigh,
    resolvable: resolvableDifference(spread, rounds),
    lengths: [1, 2, 4, 8].map((k) => ({ rounds: k * rounds, seconds: k * rounds * roundSeconds, resolvable: resolvableDifference(spread, k * rounds) })),
    for2Percent: needed === null ? null : { rounds: needed, seconds: needed * roundSeconds },
  };
}

const MachineKeySchema = z.object({ hostname: z.string(), cpuModel: z.string(), logicalCores: z.number().int() });
export type MachineKey = z.infer<typeof MachineKeySchema>;

export const CalibrationRecordSchema = z.object({
  measuredAt: z.string(),
  runId: z.string(),
  machine: MachineKeySchema,
  noiseFloor: NoiseFloorSchema,
  /** The measurement-quality line of the A/A run: a floor measured on a busy machine says so. */
  measurementQuality: z.string().optional(),
});

export type CalibrationRecord = z.infer<typeof CalibrationRecordSchema>;

/** What ties a calibration to a machine, as its machine profile records it. */
export function machineKeyOf(machine: MachineProfile): MachineKey {
  return { hostname: machine.hostname, cpuModel: machine.cpu.model, logicalCores: machine.cpu.logicalCores };
}

/** The calibration record of a finished A/A run. */
export function calibrationRecordOf(result: { id: string; finishedAt: string; machine: MachineProfile; measurementQuality?: { summary: string } }, noiseFloor: NoiseFloor): CalibrationRecord {
  return {
    measuredAt: result.finishedAt,
    runId: result.id,
    machine: machineKeyOf(result.machine),
    noiseFloor,
    ...(result.measurementQuality && { measurementQuality: result.measurementQuality.summary }),
  };
}

/**
 * The A/A configuration of a run configuration: its first model measured as two systems, latency
 * only (no quality, lexical floor or roofline): what `xlir calibrate` and the app's Calibrate run.
 */
export function calibrationConfig<C extends { models: string[] }>(config: C): C & { quality: false; lexicalFloor: false; roofline: false } {
  const model = config.models[0];
  return { ...config, models: [model, model], quality: false, lexicalFloor: false, roofline: false };
}

/** This machine's key, read as `captureMachineProfile` reads it, without its slower probes. */
export function currentMachineKey(): MachineKey {
  return { hostname: os.hostname(), cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', logicalCores: os.availableParallelism() };
}

/** The default practical threshold: differences under 2% count as practically equal. */
export const DEFAULT_PRACTICAL_THRESHOLD = 0.02;

/**
 * The practical threshold a run should use given this machine's calibration: the difference its
 * length can resolve, when that is more than 2% — a machine that cannot tell 3% from noise should
 * not call 2.5% "a real difference, not practically equal". Only for the set-up that was
 * calibrated (machine, scenario, threads); null otherwise or where 2% is within reach.
 */
export function calibratedPracticalThreshold(
  record: CalibrationRecord,
  run: { machine: MachineKey; scenario: { kind: NoiseFloor['scenario']; rounds: number }; intraOpThreads: number | null; modelCount: number },
): { fraction: number; source: string } | null {
  const m = record.machine;
  const floor = record.noiseFloor;
  const sameMachine = m.hostname === run.machine.hostname && m.cpuModel === run.machine.cpuModel && m.logicalCores === run.machine.logicalCores;
  if (!sameMachine || floor.scenario !== run.scenario.kind || floor.intraOpThreads !== run.intraOpThreads || run.modelCount < 2 || run.scenario.rounds < 2) return null;
  const fraction = resolvableDifference(floor.roundSpread, run.scenario.rounds);
  if (fraction <= DEFAULT_PRACTICAL_THRESHOLD) return null;
  return {
    fraction: Math.min(0.5, fraction),
    source: `this machine's noise floor at ${run.scenario.rounds} rounds (xlir calibrate, ${record.measuredAt.slice(0, 10)}, run ${record.runId.slice(0, 8)})`,
  };
}
