import type { Query } from '../datasets/retrieval-dataset.ts';
import type { MachineProfile } from '../machine/machine-profile.ts';
import type { ExecutionProvider } from '../models/encoder.ts';
import type { OnnxEncoder } from '../models/onnx-encoder.ts';
import { percentileOfSorted, sortedCopy } from '../latency/percentiles.ts';
import { cachedCeilings, type CachedCeilings } from '../roofline/ceilings-cache.ts';
import { efficiencyOf, rooflinePoints, type EncodeRecord, type Roofline } from '../roofline/efficiency.ts';
import { ModelCost } from '../roofline/model-cost.ts';
import type { OperatorProfile } from '../roofline/operator-profile.ts';
import { profileOperators } from '../roofline/profile-operators.ts';
import type { RunContext } from './run-benchmark.ts';
import type { RunConfig } from './run-config.ts';
import type { LatencyResult } from './run-result.ts';

/**
 * The roofline part of a run: each model's FLOPs and bytes counted from its graph, the machine's
 * two ceilings (peak MatMul rate, memory bandwidth) on each provider the models ran on (cached
 * per machine), per model the achieved rate over the measured encode times against them, and
 * where the time goes per operator (a separate profiled session).
 */

/** The model's cost counter, or null (with a warning) when its graph cannot be read. */
export async function loadModelCost(modelFile: string, warn: (message: string) => void): Promise<ModelCost | null> {
  try {
    return await ModelCost.fromFile(modelFile);
  } catch (err) {
    warn(`FLOPs not counted, so no efficiency is reported: ${(err as Error).message}`);
    return null;
  }
}

/** The ceilings of every provider in `providers`, from the cache or measured (once per machine, provider and threads). */
export async function providerCeilings(
  providers: readonly ExecutionProvider[],
  machine: MachineProfile,
  config: RunConfig,
  ctx: RunContext,
  warn: (message: string) => void,
): Promise<Map<ExecutionProvider, CachedCeilings>> {
  const ceilings = new Map<ExecutionProvider, CachedCeilings>();
  for (const provider of new Set(providers)) {
    if (ctx.signal.aborted) break;
    ctx.emit({ type: 'phase', phase: 'peak', detail: provider });
    try {
      const measured = await cachedCeilings({
        machine,
        provider,
        ...(config.provider.intraOpThreads !== undefined && { intraOpThreads: config.provider.intraOpThreads }),
        remeasure: config.remeasurePeak,
        signal: ctx.signal,
      });
      if (measured.note) warn(measured.note);
      ceilings.set(provider, measured);
    } catch (err) {
      warn(`peak MatMul rate and bandwidth on ${provider} not measured, so no efficiency is reported: ${(err as Error).message}`);
    }
  }
  return ceilings;
}

/** The graph runs of a latency result, grouped by batch size (one group for the per-query scenarios). */
function encodeGroups(latency: LatencyResult): { batchSize: number; records: EncodeRecord[]; queries: number[][] }[] {
  if (latency.scenario === 'offline') {
    return latency.runs.map((run) => ({
      batchSize: run.batchSize,
      records: run.batches.map((b) => ({ batchSize: b.batchSize, sequenceLength: b.maxTokens, encodeMs: b.encodeMs })),
      queries: run.batches.map((b) => b.queryIndices),
    }));
  }
  return [{ batchSize: 1, records: latency.samples.map((s) => ({ batchSize: 1, sequenceLength: s.tokens, encodeMs: s.encodeMs })), queries: latency.samples.map((s) => [s.queryIndex]) }];
}

/** Queries profiled per batch size: a batch-1 profile of 32 queries, and at least 3 runs of larger batches. */
const PROFILED_QUERIES = 32;
const MIN_PROFILED_RUNS = 3;

/**
 * Per-operator times of each batch size the model was measured at, on a separate profiled
 * session with the measured one's settings and graph (its precision variant too), over the first queries the measurement ran (same
 * texts, same batches). Failures are warnings: the rest of the roofline stands without them.
 */
export async function profileModel(
  encoder: OnnxEncoder,
  variant: string | undefined,
  latency: LatencyResult,
  queries: readonly Query[],
  config: RunConfig,
  cost: ModelCost | null,
  ctx: RunContext,
  warn: (message: string) => void,
): Promise<OperatorProfile[]> {
  const profiles: OperatorProfile[] = [];
  for (const group of encodeGroups(latency)) {
    if (ctx.signal.aborted || group.queries.length === 0) continue;
    ctx.emit({ type: 'phase', phase: 'profile', model: encoder.manifest.name, detail: `batch ${group.batchSize}` });
    const runs = Math.max(MIN_PROFILED_RUNS, Math.ceil(PROFILED_QUERIES / group.batchSize));
    const batches = group.queries.slice(0, runs).map((indices) => encoder.tokenize(indices.map((i) => queries[i].text), 'query'));
    try {
      profiles.push(
        await profileOperators(encoder.dir, {
          load: {
            ...(variant !== undefined && { variant }),
            executionProviders: [encoder.provider],
            graphOptimizationLevel: config.provider.graphOptimizationLevel,
            ...(config.provider.intraOpThreads !== undefined && { intraOpThreads: config.provider.intraOpThreads }),
            ...(config.provider.interOpThreads !== undefined && { interOpThreads: config.provider.interOpThreads }),
          },
          batches,
          ...(cost && { cost }),
          signal: ctx.signal,
        }),
      );
    } catch (err) {
      warn(`no per-operator profile at batch ${group.batchSize}: ${(err as Error).message}`);
    }
  }
  return profiles;
}

/** Achieved GFLOP/s against the peak and against the attainable ceiling, per batch size and per shape. */
export function modelRoofline(latency: LatencyResult, cost: ModelCost, ceilings: CachedCeilings | undefined, operators: OperatorProfile[] = []): Roofline {
  const groups = encodeGroups(latency).filter((g) => g.records.length > 0);
  const lengths = groups.flatMap((g) => g.records.map((r) => r.sequenceLength));
  const medianLength = lengths.length > 0 ? percentileOfSorted(sortedCopy(lengths), 50) : 1;
  const flops = cost.flops(1, medianLength);
  const measured = { peak: ceilings?.peak ?? null, bandwidth: ceilings?.bandwidth ?? null };
  const efficiency = groups.map((g) => efficiencyOf(g.batchSize, g.records, cost, measured));
  const notes: string[] = [];
  if (flops.uncounted.length > 0) {
    // uncounted holds both kinds the FLOP count covers, by node name: which kind each is, it does not say.
    notes.push(`${flops.uncounted.length} MatMul-family or reducing-scatter node(s) could not be shaped (${flops.uncounted.slice(0, 3).join(', ')}): FLOPs and efficiency are lower bounds`);
  }
  if (flops.unknownOps.length > 0) notes.push(`ops the FLOP count does not look into: ${flops.unknownOps.join(', ')}`);
  const bytes = cost.bytes(1, medianLength);
  if (bytes.unsized.length > 0) notes.push(`${bytes.unsized.length} value(s) could not be sized (${bytes.unsized.slice(0, 3).join(', ')}): bytes are lower bounds, intensities upper bounds`);
  if (!ceilings) notes.push('no ceilings were measured, so no fraction of them is given');
  else if (!ceilings.bandwidth.read.supported) notes.push(`no memory bandwidth on ${ceilings.bandwidth.provider} (${ceilings.bandwidth.read.reason}): no attainable ceiling`);
  for (const e of efficiency) {
    if (ceilings && e.peakGflops === null) notes.push(`no ${e.precision} peak on ${ceilings.peak.provider}: achieved GFLOP/s only`);
    if (e.fractionOfPeak !== null && e.fractionOfPeak > 1) notes.push('the model ran faster than the peak: the peak was probably measured while the machine was busy; measure it again with --remeasure-peak');
    else if (e.fractionOfAttainable != null && e.fractionOfAttainable > 1) notes.push('the model ran faster than the attainable ceiling: the bandwidth was probably measured while the machine was busy; measure it again with --remeasure-peak');
  }
  if (operators.length > 0) notes.push('operator shares come from a second session with ONNX Runtime\'s profiler on, run after the measurement: the measured latency was never profiled');
  return {
    flops,
    bytes,
    peak: ceilings?.peak ?? null,
    peakFromCache: ceilings?.peakFromCache ?? false,
    bandwidth: ceilings?.bandwidth ?? null,
    bandwidthFromCache: ceilings?.bandwidthFromCache ?? false,
    efficiency,
    points: rooflinePoints(groups.flatMap((g) => g.records), cost, measured),
    operators,
    notes: [...new Set(notes)],
  };
}
