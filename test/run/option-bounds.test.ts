import { describe, expect, it } from 'vitest';
import { boundedRunConfigSchema, boundedSweepConfigSchema, runLimitsFor } from '../../main/engine/run/bounded-config.ts';
import { activationBytesPerSequence, maxBatchSize, OPTION_LIMITS, runOptionIssues, type RunLimits } from '../../main/engine/run/option-bounds.ts';
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import { tinyEncoderDir } from './fixtures.ts';

const GiB = 2 ** 30;
/** A 2-core machine with 8 GiB free, running a small transformer (128 tokens, width 128). */
const limits: RunLimits = { machine: { cores: 2, availableMemoryBytes: 8 * GiB }, models: [{ name: 'xlir-mini', maxLength: 128, hidden: 128 }] };
const base = { models: ['/m'] };
const messages = (input: unknown, l: RunLimits = limits) => runOptionIssues(input, l).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('bounds on run options', () => {
  it('estimates activation memory per sequence from the width and the length (hand-computed)', () => {
    // 4 bytes × (14·128·128 + 2·(128/64)·128²) = 4 × (229,376 + 65,536)
    expect(activationBytesPerSequence(128, 128)).toBe(4 * (229_376 + 65_536));
    // BERT-base size at 512 tokens: about 46 MiB, dominated by 12 heads of 512² attention scores.
    expect(activationBytesPerSequence(512, 768) / 2 ** 20).toBeCloseTo(45, 0);
  });

  it('limits threads to the logical cores, and says so', () => {
    expect(messages({ ...base, provider: { intraOpThreads: 100_000 } })).toEqual(['provider.intraOpThreads: must be at most 2: this machine has 2 logical cores, and more threads only queue for them (got 100000)']);
    expect(messages({ ...base, provider: { intraOpThreads: 2, interOpThreads: 3 } })).toEqual([expect.stringMatching(/^provider\.interOpThreads: must be at most 2/)]);
    expect(messages({ ...base, provider: { intraOpThreads: 2, interOpThreads: 1 } })).toEqual([]);
  });

  it('limits encode and offline batch sizes by the memory a batch needs', () => {
    const { size } = maxBatchSize(limits);
    // Half of 8 GiB over about 1.1 MiB per sequence.
    expect(size).toBe(Math.floor((4 * GiB) / activationBytesPerSequence(128, 128)));
    expect(messages({ ...base, encodeBatchSize: 1_000_000 })).toEqual([
      `encodeBatchSize: must be at most ${size}: a sequence of 128 tokens takes about 1 MiB of activations in xlir-mini (hidden size 128), and one batch may use half of the 8.0 GiB of memory free now (got 1000000)`,
    ]);
    expect(messages({ ...base, scenario: { kind: 'offline', batchSizes: [1, 8, 100_000] } })).toEqual([expect.stringMatching(new RegExp(`^scenario\\.batchSizes\\.2: must be at most ${size}:`))]);
    // The widest model of a run sets the limit; a machine short of memory still runs batches of 1.
    const wide: RunLimits = { machine: { cores: 2, availableMemoryBytes: 64 * 2 ** 20 }, models: [...limits.models, { name: 'bert-base', maxLength: 512, hidden: 768 }] };
    expect(maxBatchSize(wide)).toMatchObject({ size: 1, reason: expect.stringMatching(/in bert-base \(hidden size 768\)/) });
    expect(messages({ ...base, encodeBatchSize: 32 })).toEqual([]);
  });

  it('bounds rates from below (no run of idle hours, no timer overflow) and above', () => {
    expect(messages({ ...base, scenario: { kind: 'server', targetQps: 0.000001 } })).toEqual(['scenario.targetQps: must be at least 0.1 queries/s: a query every 10 s on average; slower, a run is hours of waiting (got 0.000001 queries/s)']);
    expect(messages({ ...base, scenario: { kind: 'server', targetQps: 1e9 } })).toEqual([expect.stringMatching(/^scenario\.targetQps: must be at most 100000 queries\/s/)]);
    expect(messages({ ...base, scenario: { kind: 'server', targetQps: 50 } })).toEqual([]);
  });

  it('bounds counts and durations, and says negative numbers are too small', () => {
    expect(messages({ ...base, dataset: { maxQueries: -1 } })).toEqual(['dataset.maxQueries: must be at least 1 (got -1)']);
    expect(messages({ ...base, scenario: { kind: 'single-stream', minDurationMs: 3_600_000, minQueries: 1e9, warmupQueries: -5, rounds: 0.5 } })).toEqual([
      'scenario.warmupQueries: must be at least 0 (got -5)',
      `scenario.minQueries: must be at most ${OPTION_LIMITS.maxMinQueries}: every sample is kept in memory, in the result and in the history (got 1000000000)`,
      'scenario.minDurationMs: must be at most 600 s: at thousands of queries per second ten minutes is millions of samples, every one kept (got 3600 s)',
      'scenario.rounds: must be a whole number, not 0.5',
    ]);
    expect(messages({ ...base, seed: 2 ** 40, bootstrapResamples: 10 })).toEqual([expect.stringMatching(/^seed: must be at most 4294967295: seeds are 32-bit/), 'bootstrapResamples: must be at least 100 (got 10)']);
  });

  it('checks in the zod schema before its own checks, and leaves stored results alone', () => {
    const parsed = boundedRunConfigSchema(limits).safeParse({ ...base, dataset: { maxQueries: -1 } });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['dataset.maxQueries', 'must be at least 1 (got -1)']]);
    expect(boundedRunConfigSchema(limits).parse({ ...base, provider: { intraOpThreads: 2 } }).provider.intraOpThreads).toBe(2);
    // A result made on a 64-core machine with 64 threads still reads back anywhere.
    expect(RunConfigSchema.parse({ ...base, provider: { intraOpThreads: 64 }, encodeBatchSize: 10_000 }).provider.intraOpThreads).toBe(64);
  });

  it('bounds the sweep: threads by cores, batch × tokens by memory, tokens by the model', () => {
    const schema = boundedSweepConfigSchema(limits.machine, limits.models[0]);
    const issues = (input: object) => (schema.safeParse({ model: '/m', ...input }).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message.split(':')[0]}`);
    expect(issues({ threads: [1, 2, 100_000] })).toEqual(['threads.2: must be at most 2']);
    expect(issues({ sequenceLengths: [32, 4096] })).toEqual(['sequenceLengths.1: must be at most 128']);
    expect(issues({ batchSizes: [1, 10_000_000], sequenceLengths: [32] })).toEqual(['batchSizes.1: must be at most ' + maxBatchSize(limits, 32).size]);
    expect(issues({ rounds: 0, runsPerRound: 1e9 })).toEqual(['rounds: must be at least 1 (got 0)', `runsPerRound: must be at most ${OPTION_LIMITS.maxSweepRuns} (got 1000000000)`]);
  });

  it('reads the sizes of a run\'s models from their manifests, and this machine\'s limits', async () => {
    const run = await runLimitsFor([tinyEncoderDir, '/no/such/model']);
    expect(run.models).toEqual([{ name: 'xlir-tiny-test', maxLength: 64, hidden: 32 }]);
    expect(run.machine.cores).toBeGreaterThan(0);
    expect(run.machine.availableMemoryBytes).toBeGreaterThan(0);
  });
});
