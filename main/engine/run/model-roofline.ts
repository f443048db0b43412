import type { MachineProfile } from '../machine/machine-profile.ts';
import type { ExecutionProvider } from '../models/encoder.ts';
import { percentileOfSorted, sortedCopy } from '../latency/percentiles.ts';
import { efficiencyOf, type EncodeRecord, type Roofline } from '../roofline/efficiency.ts';
import { ModelFlops } from '../roofline/flop-count.ts';
import { cachedPeak, type CachedPeak } from '../roofline/peak-cache.ts';
import type { RunContext } from './run-benchmark.ts';
import type { RunConfig } from './run-config.ts';
import type { LatencyResult } from './run-result.ts';

/**
 * The roofline part of a run: each model's FLOPs counted from its graph, the machine's peak on
 * each provider the models ran on (cached per machine), and per model the achieved rate over the
 * measured encode times.
 */

/** The model's FLOP counter, or null (with a warning) when its graph cannot be read. */
export async function loadModelFlops(modelFile: string, warn: (message: string) => void): Promise<ModelFlops | null> {
  try {
    return await ModelFlops.fromFile(modelFile);
  } catch (err) {
    warn(`FLOPs not counted, so no efficiency is reported: ${(err as Error).message}`);
    return null;
  }
}

/** The peak of every provider in `providers`, from the cache or measured (once per machine, provider and threads). */
export async function providerPeaks(
  providers: readonly ExecutionProvider[],
  machine: MachineProfile,
  config: RunConfig,
  ctx: RunContext,
  warn: (message: string) => void,
): Promise<Map<ExecutionProvider, CachedPeak>> {
  const peaks = new Map<ExecutionProvider, CachedPeak>();
  for (const provider of new Set(providers)) {
    if (ctx.signal.aborted) break;
    ctx.emit({ type: 'phase', phase: 'peak', detail: provider });
    try {
      const peak = await cachedPeak({
        machine,
        provider,
        ...(config.provider.intraOpThreads !== undefined && { intraOpThreads: config.provider.intraOpThreads }),
        remeasure: config.remeasurePeak,
        signal: ctx.signal,
      });
      if (peak.note) warn(peak.note);
      peaks.set(provider, peak);
    } catch (err) {
      warn(`peak MatMul rate on ${provider} not measured, so no efficiency is reported: ${(err as Error).message}`);
    }
  }
  return peaks;
}

/** Achieved GFLOP/s and the fraction of the peak for one model's latency result. */
export function modelRoofline(latency: LatencyResult, flops: ModelFlops, peak: CachedPeak | undefined): Roofline {
  const groups: { batchSize: number; records: EncodeRecord[] }[] =
    latency.scenario === 'offline'
      ? latency.runs.map((run) => ({ batchSize: run.batchSize, records: run.batches.map((b) => ({ batchSize: b.batchSize, sequenceLength: b.maxTokens, encodeMs: b.encodeMs })) }))
      : [{ batchSize: 1, records: latency.samples.map((s) => ({ batchSize: 1, sequenceLength: s.tokens, encodeMs: s.encodeMs })) }];
  const lengths = groups.flatMap((g) => g.records.map((r) => r.sequenceLength));
  const reference = flops.count(1, lengths.length > 0 ? percentileOfSorted(sortedCopy(lengths), 50) : 1);
  const efficiency = groups.filter((g) => g.records.length > 0).map((g) => efficiencyOf(g.batchSize, g.records, flops, peak?.peak ?? null));
  const notes: string[] = [];
  if (reference.uncounted.length > 0) {
    notes.push(`${reference.uncounted.length} MatMul node(s) could not be shaped (${reference.uncounted.slice(0, 3).join(', ')}): FLOPs and efficiency are lower bounds`);
  }
  if (reference.unknownOps.length > 0) notes.push(`ops the FLOP count does not look into: ${reference.unknownOps.join(', ')}`);
  if (!peak) notes.push('no peak was measured, so no fraction of it is given');
  for (const e of efficiency) {
    if (peak && e.peakGflops === null) notes.push(`no ${e.precision} peak on ${peak.peak.provider}: achieved GFLOP/s only`);
    if (e.fractionOfPeak !== null && e.fractionOfPeak > 1) notes.push('the model ran faster than the peak: the peak was probably measured while the machine was busy; measure it again with --remeasure-peak');
  }
  return { flops: reference, peak: peak?.peak ?? null, peakFromCache: peak?.fromCache ?? false, efficiency, notes: [...new Set(notes)] };
}
