import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { createSystemClock, type Clock } from '../latency/clock.ts';
import { captureMachineProfile, MachineProfileSchema, type MachineProfile } from '../machine/machine-profile.ts';
import type { TokenizedBatch } from '../models/encoder.ts';
import { sha256File } from '../models/file-hash.ts';
import { loadModel } from '../models/load-model.ts';
import { openModelFolder } from '../models/model-folder.ts';
import { folderVariants } from '../models/variant-file.ts';
import type { OnnxEncoder } from '../models/onnx-encoder.ts';
import { cachedCeilings, type CachedCeilings } from '../roofline/ceilings-cache.ts';
import { efficiencyOf } from '../roofline/efficiency.ts';
import { ModelCost } from '../roofline/model-cost.ts';
import { DEFAULT_VARIANT, defaultThreadCounts, SweepConfigSchema, type SweepConfig, type SweepConfigInput } from './sweep-config.ts';
import { BestSettingsSchema, ConfigurationResultSchema, pickBest, summarizeRounds, SweepSettingsSchema, type ConfigurationResult, type SweepSettings, type SweepWorkload } from './sweep-summary.ts';
import { syntheticBatch } from './synthetic-batch.ts';
import { issueLines } from '../schema-issues.ts';

/**
 * CUDA picks kernels (cuBLAS/cuDNN heuristics, workspace allocation) on the first runs of each
 * shape; a handful of CPU-style warm-up runs can leave that inside the measurement.
 */
export const CUDA_MIN_WARMUP_RUNS = 20;

export const SweepResultSchema = z.object({
  kind: z.literal('xlir-sweep'),
  version: z.literal(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  cancelled: z.boolean(),
  /** `sha256` of model.onnx; absent in sweeps written before it was kept. */
  model: z.object({ name: z.string(), dir: z.string(), sha256: z.string().optional() }),
  config: SweepConfigSchema,
  machine: MachineProfileSchema,
  /** Settings that could not run, and why (e.g. CUDA without a GPU, a variant whose file is missing). */
  skipped: z.array(z.object({ settings: SweepSettingsSchema, reason: z.string() })),
  /** The order configurations ran in, per round: forward, then backward, alternating. */
  roundOrder: z.array(z.array(z.number().int())),
  configurations: z.array(ConfigurationResultSchema),
  best: BestSettingsSchema.nullable(),
});
export type SweepResult = z.infer<typeof SweepResultSchema>;

export interface SweepProgress {
  phase: 'load' | 'peak' | 'measure';
  detail: string;
  done: number;
  total: number;
}

export interface SweepOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SweepProgress) => void;
  clock?: Clock;
  machine?: MachineProfile;
  /** The ceilings cache file (tests); the user cache otherwise. */
  ceilingsCacheFile?: string;
}

interface Session {
  settings: SweepSettings;
  encoder: OnnxEncoder;
  cost: ModelCost | null;
  ceilings: CachedCeilings | null;
}

interface Configuration {
  session: Session;
  workload: SweepWorkload;
  batch: TokenizedBatch;
  rounds: number[][];
}

/**
 * Measures one model over the sweep's grid. Every session is opened first (one per provider ×
 * variant × threads); then the configurations (session × batch size × tokens) run round-robin —
 * forward in even rounds, backward in odd ones — each round re-warming a configuration before
 * timing it, so slow drift and other load spread over all configurations rather than landing on
 * whichever ran last. Timed: `encoder.run` (session.run, pooling, normalising), the encode stage
 * of `xlir run`.
 */
export async function runSweep(input: SweepConfigInput, options: SweepOptions = {}): Promise<SweepResult> {
  const parsed = SweepConfigSchema.safeParse(input);
  if (!parsed.success) {
    throw new XlirError('INVALID_OPTION', `Invalid sweep: ${issueLines(parsed.error, '(sweep)').join('; ')}`);
  }
  const config: SweepConfig = parsed.data;
  const startedAt = new Date().toISOString();
  const clock = options.clock ?? createSystemClock();
  const machine = options.machine ?? (await captureMachineProfile());
  const folder = await openModelFolder(config.model);
  const variants = config.variants ?? [DEFAULT_VARIANT, ...Object.keys(folderVariants(folder))];
  const threadCounts = config.threads ?? defaultThreadCounts(machine.cpu.logicalCores);

  const grid: SweepSettings[] = config.providers.flatMap((provider) =>
    variants.flatMap((variant): SweepSettings[] => (provider === 'cuda' ? [{ provider, variant, threads: null }] : threadCounts.map((threads) => ({ provider, variant, threads })))),
  );
  const sessions: Session[] = [];
  const skipped: SweepResult['skipped'] = [];
  const costByVariant = new Map<string, ModelCost | null>();
  const ceilingsBySettings = new Map<string, CachedCeilings | null>();
  try {
    for (const [i, settings] of grid.entries()) {
      if (options.signal?.aborted) break;
      options.onProgress?.({ phase: 'load', detail: describeSettings(settings), done: i, total: grid.length });
      // Once a provider failed for a variant, its other thread counts would fail the same way.
      const earlier = skipped.find((s) => s.settings.provider === settings.provider && s.settings.variant === settings.variant);
      if (earlier) {
        skipped.push({ settings, reason: earlier.reason });
        continue;
      }
      let encoder: OnnxEncoder;
      try {
        encoder = await loadModel(config.model, {
          executionProviders: [settings.provider],
          graphOptimizationLevel: config.graphOptimizationLevel,
          ...(settings.variant !== DEFAULT_VARIANT && { variant: settings.variant }),
          ...(settings.threads !== null && { intraOpThreads: settings.threads }),
        });
      } catch (err) {
        if (!(err instanceof XlirError)) throw err;
        skipped.push({ settings, reason: err.message });
        continue;
      }
      const session: Session = { settings, encoder, cost: null, ceilings: null };
      sessions.push(session);
      if (config.roofline) {
        if (!costByVariant.has(settings.variant)) {
          costByVariant.set(settings.variant, await ModelCost.fromFile(encoder.graph.file).catch(() => null));
        }
        session.cost = costByVariant.get(settings.variant) ?? null;
        const ceilingsKey = `${settings.provider}|${settings.threads ?? ''}`;
        if (!ceilingsBySettings.has(ceilingsKey)) {
          options.onProgress?.({ phase: 'peak', detail: describeSettings(settings), done: i, total: grid.length });
          const ceilings = await cachedCeilings({
            machine,
            provider: settings.provider,
            ...(settings.threads !== null && { intraOpThreads: settings.threads }),
            remeasure: config.remeasurePeak,
            ...(options.ceilingsCacheFile !== undefined && { file: options.ceilingsCacheFile }),
            ...(options.signal && { signal: options.signal }),
          }).catch(() => null);
          ceilingsBySettings.set(ceilingsKey, ceilings);
        }
        session.ceilings = ceilingsBySettings.get(ceilingsKey) ?? null;
      }
    }

    const configurations: Configuration[] = sessions.flatMap((session) =>
      config.batchSizes.flatMap((batchSize) =>
        config.sequenceLengths.map((tokens) => ({
          session,
          workload: { batchSize, tokens },
          batch: syntheticBatch(session.encoder, batchSize, tokens),
          rounds: [] as number[][],
        })),
      ),
    );
    const roundOrder = await measureRounds(configurations, config, clock, options);
    const results: ConfigurationResult[] = configurations
      .filter((c) => c.rounds.some((r) => r.length > 0))
      .map((c) => {
        const records = c.rounds.flat().map((encodeMs) => ({ batchSize: c.workload.batchSize, sequenceLength: c.workload.tokens, encodeMs }));
        return {
          settings: c.session.settings,
          workload: c.workload,
          roundTimesMs: c.rounds,
          ...summarizeRounds(c.rounds, c.workload.batchSize),
          efficiency: c.session.cost ? efficiencyOf(c.workload.batchSize, records, c.session.cost, { peak: c.session.ceilings?.peak ?? null, bandwidth: c.session.ceilings?.bandwidth ?? null }) : null,
        };
      });
    return {
      kind: 'xlir-sweep',
      version: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      cancelled: options.signal?.aborted ?? false,
      model: { name: folder.known.name!.value, dir: config.model, sha256: await sha256File(folder.graphFile) },
      config,
      machine,
      skipped,
      roundOrder,
      configurations: results,
      best: pickBest(results),
    };
  } finally {
    await Promise.all(sessions.map((s) => s.encoder.dispose()));
  }
}

async function measureRounds(configurations: Configuration[], config: SweepConfig, clock: Clock, options: SweepOptions): Promise<number[][]> {
  const order: number[][] = [];
  const total = config.rounds * configurations.length;
  for (let round = 0; round < config.rounds && !options.signal?.aborted; round++) {
    const indices = configurations.map((_, i) => i);
    if (round % 2 === 1) indices.reverse();
    order.push(indices);
    for (const [k, index] of indices.entries()) {
      if (options.signal?.aborted) break;
      const c = configurations[index];
      options.onProgress?.({ phase: 'measure', detail: `round ${round + 1}: ${describeSettings(c.session.settings)}, batch ${c.workload.batchSize} × ${c.workload.tokens} tokens`, done: round * configurations.length + k, total });
      const warmup = round === 0 ? config.warmupRuns : config.rewarmRuns;
      const runs = c.session.settings.provider === 'cuda' && round === 0 ? Math.max(warmup, CUDA_MIN_WARMUP_RUNS) : warmup;
      for (let i = 0; i < runs; i++) await c.session.encoder.run(c.batch);
      const times: number[] = [];
      for (let i = 0; i < config.runsPerRound && !options.signal?.aborted; i++) {
        const t0 = clock.nowMs();
        await c.session.encoder.run(c.batch);
        times.push(clock.nowMs() - t0);
      }
      c.rounds.push(times);
    }
  }
  return order;
}

export function describeSettings(s: SweepSettings): string {
  return `${s.provider}${s.variant === DEFAULT_VARIANT ? '' : ` ${s.variant}`}${s.threads === null ? '' : `, ${s.threads} thread${s.threads === 1 ? '' : 's'}`}`;
}
