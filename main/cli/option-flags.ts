import type { z } from 'zod';
import { CliUsageError } from './usage.ts';

/** Where each run flag lands in the run configuration: messages about a value name the flag that set it. */
export const RUN_OPTION_FLAGS: Readonly<Record<string, string>> = {
  models: 'model',
  'dataset.name': 'dataset',
  'dataset.langs': 'langs',
  'dataset.maxQueries': 'max-queries',
  'provider.executionProviders': 'ep',
  'provider.intraOpThreads': 'threads',
  'provider.interOpThreads': 'inter-op-threads',
  'provider.graphOptimizationLevel': 'graph-opt',
  'scenario.warmupQueries': 'warmup',
  'scenario.minQueries': 'min-queries',
  'scenario.minDurationMs': 'min-duration',
  'scenario.rounds': 'rounds',
  'scenario.batchSizes': 'batch-sizes',
  'scenario.targetQps': 'target-qps',
  encodeBatchSize: 'encode-batch',
  bootstrapResamples: 'bootstrap',
  seed: 'seed',
};

/** The same for the sweep's flags. */
export const SWEEP_OPTION_FLAGS: Readonly<Record<string, string>> = {
  providers: 'ep',
  variants: 'variants',
  threads: 'threads',
  batchSizes: 'batch-sizes',
  sequenceLengths: 'tokens',
  graphOptimizationLevel: 'graph-opt',
  rounds: 'rounds',
  runsPerRound: 'runs',
  warmupRuns: 'warmup',
};

/** A configuration the flags built that its schema refused, as a usage error naming the flags at fault. */
export function optionUsageError(error: z.ZodError, flags: Readonly<Record<string, string>>): CliUsageError {
  const lines = error.issues.map((issue) => {
    const flag = flags[issue.path.filter((p) => typeof p === 'string').join('.')];
    return `${flag ? `--${flag}` : issue.path.join('.') || 'options'}: ${issue.message}`;
  });
  return new CliUsageError([...new Set(lines)].join('\n'));
}
