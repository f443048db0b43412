/**
 * Bounds on every numeric option of a run and of a sweep: what the machine can do (threads by its
 * cores, batch sizes by the memory a batch needs) and what makes sense (rates, lengths, counts).
 * One set of rules, with the limit and the reason in each message, for every face: the CLI and
 * the app API check configurations with the zod schema built on it (bounded-config.ts), and the
 * UI form with these functions directly — this module is pure and Node-free, so the renderer can
 * bundle it; the machine's limits reach it from the app (`doctor`).
 */

import type { MachineLimits } from '../machine/machine-limits.ts';

export type { MachineLimits };

/** What the memory estimate needs of a model: its longest input and its width. */
export interface ModelSize {
  name: string;
  /** Longest input in tokens (manifest `maxLength`). */
  maxLength: number;
  /** Hidden size, taken as the output dimension (manifest `dimension`): the same for every encoder the tools export. */
  hidden: number;
}

export interface RunLimits {
  machine: MachineLimits;
  /** The run's models (all of them limit the batch sizes). */
  models: readonly ModelSize[];
}

/** Bounds that do not depend on the machine. */
export const OPTION_LIMITS = {
  /** A query every 10 s on average: below that a run is hours of idle waiting (and arrival gaps overflow timers). */
  minTargetQps: 0.1,
  /** Beyond this the issuing loop, not the model, sets the pace: no encoder here keeps up. */
  maxTargetQps: 100_000,
  maxWarmupQueries: 100_000,
  /** Every sample is kept (in memory, in the result and the history): about 150 bytes each. */
  maxMinQueries: 1_000_000,
  /** Ten minutes: at thousands of queries per second that is already millions of samples, all kept. */
  maxMinDurationMs: 600_000,
  maxRounds: 1_000,
  maxMaxQueries: 1_000_000,
  maxSeed: 2 ** 32 - 1,
  minBootstrapResamples: 100,
  maxBootstrapResamples: 100_000,
  maxSweepRounds: 1_000,
  maxSweepRuns: 100_000,
  maxSweepWarmup: 100_000,
  /** The longest input any manifest may declare. */
  maxTokens: 8_192,
  /** The share of the memory available now that one batch's activations may take. */
  batchMemoryShare: 0.5,
} as const;

/**
 * Activation memory of one sequence of `tokens` tokens in a transformer encoder of width `hidden`
 * (fp32, one layer live at a time, as ONNX Runtime reuses buffers between layers): about 14 values
 * of width `hidden` per token (input, Q, K, V, context, output, the 4×-wide feed-forward before and
 * after its activation, residuals) and two attention matrices of tokens² per head (heads = hidden/64).
 */
export function activationBytesPerSequence(tokens: number, hidden: number): number {
  return 4 * (14 * tokens * hidden + 2 * Math.max(1, hidden / 64) * tokens * tokens);
}

const MIB = 2 ** 20;
const formatBytes = (bytes: number) => (bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.max(1, Math.round(bytes / MIB))} MiB`);

/** The largest batch whose activations fit the budget, for the most demanding of `models`, and why. */
export function maxBatchSize(limits: RunLimits, tokens?: number): { size: number; reason: string } {
  const budget = limits.machine.availableMemoryBytes * OPTION_LIMITS.batchMemoryShare;
  let worst: { size: number; reason: string } = { size: Number.MAX_SAFE_INTEGER, reason: '' };
  for (const m of limits.models) {
    const length = Math.min(tokens ?? m.maxLength, m.maxLength);
    const perSequence = activationBytesPerSequence(length, m.hidden);
    const size = Math.max(1, Math.floor(budget / perSequence));
    if (size < worst.size) {
      worst = {
        size,
        reason: `a sequence of ${length} tokens takes about ${formatBytes(perSequence)} of activations in ${m.name} (hidden size ${m.hidden}), and one batch may use half of the ${formatBytes(limits.machine.availableMemoryBytes)} of memory free now`,
      };
    }
  }
  return worst;
}

/** An option out of bounds: where it is in the configuration, and what is wrong (the limit and why). */
export interface OptionIssue {
  path: (string | number)[];
  message: string;
}

const isNumber = (v: unknown): v is number => typeof v === 'number';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Rule {
  min: number;
  max: number;
  whole?: boolean;
  /** How a value reads in a message, e.g. milliseconds as seconds. */
  show?: (value: number) => string;
  minWhy?: string;
  maxWhy?: string;
}

/** Checks `value` (when it is a number) against the rule; the reasons say why a limit is what it is. */
function check(issues: OptionIssue[], path: (string | number)[], value: unknown, rule: Rule): void {
  if (!isNumber(value)) return;
  const show = rule.show ?? String;
  if (!Number.isFinite(value)) issues.push({ path, message: `must be a finite number, not ${value}` });
  else if (rule.whole && !Number.isInteger(value)) issues.push({ path, message: `must be a whole number, not ${value}` });
  else if (value < rule.min) issues.push({ path, message: `must be at least ${show(rule.min)}${rule.minWhy ? `: ${rule.minWhy}` : ''} (got ${show(value)})` });
  else if (value > rule.max) issues.push({ path, message: `must be at most ${show(rule.max)}${rule.maxWhy ? `: ${rule.maxWhy}` : ''} (got ${show(value)})` });
}

function threadsRule(limits: MachineLimits): Rule {
  return { min: 1, max: limits.cores, whole: true, maxWhy: `this machine has ${limits.cores} logical cores, and more threads only queue for them` };
}

function batchRule(limits: RunLimits, tokens?: number): Rule {
  const { size, reason } = maxBatchSize(limits, tokens);
  return { min: 1, max: size, whole: true, maxWhy: reason };
}

/**
 * Every numeric option of a run configuration (as given, before defaults) outside its bounds.
 * Values that are not numbers are left to the schema.
 */
export function runOptionIssues(input: unknown, limits: RunLimits): OptionIssue[] {
  const issues: OptionIssue[] = [];
  if (!isObject(input)) return issues;
  const L = OPTION_LIMITS;
  if (isObject(input.dataset)) check(issues, ['dataset', 'maxQueries'], input.dataset.maxQueries, { min: 1, max: L.maxMaxQueries, whole: true });
  if (isObject(input.provider)) {
    check(issues, ['provider', 'intraOpThreads'], input.provider.intraOpThreads, threadsRule(limits.machine));
    check(issues, ['provider', 'interOpThreads'], input.provider.interOpThreads, threadsRule(limits.machine));
  }
  const s = input.scenario;
  if (isObject(s)) {
    check(issues, ['scenario', 'warmupQueries'], s.warmupQueries, { min: 0, max: L.maxWarmupQueries, whole: true });
    check(issues, ['scenario', 'minQueries'], s.minQueries, { min: 1, max: L.maxMinQueries, whole: true, maxWhy: 'every sample is kept in memory, in the result and in the history' });
    check(issues, ['scenario', 'minDurationMs'], s.minDurationMs, {
      min: 0,
      max: L.maxMinDurationMs,
      show: (ms) => `${ms / 1000} s`,
      maxWhy: 'at thousands of queries per second ten minutes is millions of samples, every one kept',
    });
    check(issues, ['scenario', 'rounds'], s.rounds, { min: 1, max: L.maxRounds, whole: true });
    if (Array.isArray(s.batchSizes)) s.batchSizes.forEach((size, i) => check(issues, ['scenario', 'batchSizes', i], size, batchRule(limits)));
    check(issues, ['scenario', 'targetQps'], s.targetQps, {
      min: L.minTargetQps,
      max: L.maxTargetQps,
      show: (qps) => `${qps} queries/s`,
      minWhy: 'a query every 10 s on average; slower, a run is hours of waiting',
      maxWhy: 'beyond that the issuing loop, not the model, sets the pace',
    });
  }
  check(issues, ['encodeBatchSize'], input.encodeBatchSize, batchRule(limits));
  check(issues, ['seed'], input.seed, { min: 0, max: L.maxSeed, whole: true, maxWhy: 'seeds are 32-bit' });
  check(issues, ['bootstrapResamples'], input.bootstrapResamples, { min: L.minBootstrapResamples, max: L.maxBootstrapResamples, whole: true });
  return issues;
}

/** Every numeric option of a sweep configuration (as given) outside its bounds; `model` is the swept model. */
export function sweepOptionIssues(input: unknown, machine: MachineLimits, model: ModelSize): OptionIssue[] {
  const issues: OptionIssue[] = [];
  if (!isObject(input)) return issues;
  const L = OPTION_LIMITS;
  const limits: RunLimits = { machine, models: [model] };
  if (Array.isArray(input.threads)) input.threads.forEach((t, i) => check(issues, ['threads', i], t, threadsRule(machine)));
  const lengths = Array.isArray(input.sequenceLengths) ? input.sequenceLengths : [];
  lengths.forEach((t, i) => check(issues, ['sequenceLengths', i], t, { min: 2, max: Math.min(L.maxTokens, model.maxLength), whole: true, maxWhy: `the longest input ${model.name} takes` }));
  // Each batch size against the longest token count swept (or the model's longest input).
  const longest = Math.max(2, ...lengths.filter((t): t is number => isNumber(t) && Number.isFinite(t)));
  if (Array.isArray(input.batchSizes)) input.batchSizes.forEach((b, i) => check(issues, ['batchSizes', i], b, batchRule(limits, lengths.length > 0 ? longest : undefined)));
  check(issues, ['rounds'], input.rounds, { min: 1, max: L.maxSweepRounds, whole: true });
  check(issues, ['runsPerRound'], input.runsPerRound, { min: 1, max: L.maxSweepRuns, whole: true });
  check(issues, ['warmupRuns'], input.warmupRuns, { min: 0, max: L.maxSweepWarmup, whole: true });
  check(issues, ['rewarmRuns'], input.rewarmRuns, { min: 0, max: L.maxSweepWarmup, whole: true });
  return issues;
}
