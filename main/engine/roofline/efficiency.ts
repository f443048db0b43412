import { z } from 'zod';
import { FlopCountSchema } from './flop-count.ts';
import { BandwidthMeasurementSchema, type BandwidthMeasurement } from './memory-bandwidth.ts';
import { ByteCountSchema } from './memory-traffic.ts';
import type { ModelCost } from './model-cost.ts';
import { PeakMeasurementSchema, type PeakMeasurement } from './matmul-peak.ts';
import { OperatorProfileSchema } from './operator-profile.ts';

/**
 * How close a measured run comes to what the hardware can do, as a roofline: achieved GFLOP/s —
 * the FLOPs of every measured graph run at its actual shape, over the encode time measured for
 * it — against two measured ceilings on the same provider and threads: the peak MatMul rate, and
 * the memory bandwidth times the arithmetic intensity (FLOPs per byte that must move).
 *
 * attainable = min(peak, intensity × bandwidth), taken per graph run and summed as times: the
 * fastest the counted runs could have gone, Σ FLOPs ÷ Σ max(FLOPs ÷ peak, bytes ÷ bandwidth).
 * The bytes are the compulsory ones (weights once per run, inputs and outputs), so attainable is
 * an upper bound and the fraction of it is never flattered.
 */
export const EfficiencySchema = z.object({
  /** 1 for the per-query scenarios; the batch size for an offline run. */
  batchSize: z.number().int(),
  /** Graph runs counted. */
  runs: z.number().int(),
  /** Σ FLOPs of the counted runs (each at its own [batch, padded length]). */
  flops: z.number(),
  /** Σ encode milliseconds of the same runs. */
  encodeMs: z.number(),
  achievedGflops: z.number().nullable(),
  /** The precision of most of the counted FLOPs, whose peak is the reference. */
  precision: z.string(),
  peakGflops: z.number().nullable(),
  /** achieved ÷ peak; null without a peak for that precision. */
  fractionOfPeak: z.number().nullable(),
  // The memory side; absent in results written before it was measured.
  /** Σ compulsory bytes (weights, inputs, outputs) of the counted runs. */
  bytes: z.number().optional(),
  /** Σ estimated activation traffic (no fusion, no cache) of the same runs. */
  activationBytes: z.number().optional(),
  /** FLOPs ÷ compulsory bytes. */
  intensity: z.number().nullable().optional(),
  /** The measured read bandwidth, GB/s (10⁹ bytes per second). */
  bandwidthGBs: z.number().nullable().optional(),
  attainableGflops: z.number().nullable().optional(),
  /** The ceiling that sets most of the attainable time. */
  bound: z.enum(['memory', 'compute']).nullable().optional(),
  /** achieved ÷ attainable. */
  fractionOfAttainable: z.number().nullable().optional(),
});
export type Efficiency = z.infer<typeof EfficiencySchema>;

/** One point of the roofline plot: the runs of one shape. */
export const RooflinePointSchema = EfficiencySchema.extend({ tokens: z.number().int() });
export type RooflinePoint = z.infer<typeof RooflinePointSchema>;

export const RooflineSchema = z.object({
  /** What is counted, at batch 1 and the median token count of the measured queries. */
  flops: FlopCountSchema,
  /** Bytes at the same shape; absent in results written before they were counted. */
  bytes: ByteCountSchema.optional(),
  /** The peak the fractions refer to; null when it was not measured. */
  peak: PeakMeasurementSchema.nullable(),
  peakFromCache: z.boolean(),
  /** The memory ceiling; null when not measured, absent in results written before it was. */
  bandwidth: BandwidthMeasurementSchema.nullable().optional(),
  bandwidthFromCache: z.boolean().optional(),
  efficiency: z.array(EfficiencySchema),
  /** Per shape (batch size × token count), for the plot. */
  points: z.array(RooflinePointSchema).optional(),
  /** Where the time goes per operator type, from ONNX Runtime's profiler on a separate session. */
  operators: z.array(OperatorProfileSchema).optional(),
  /** Caveats: a lower-bound count, a missing ceiling. */
  notes: z.array(z.string()),
});
export type Roofline = z.infer<typeof RooflineSchema>;

/** One timed graph run: its input shape and its encode time. */
export interface EncodeRecord {
  batchSize: number;
  /** The padded length the graph ran at. */
  sequenceLength: number;
  encodeMs: number;
}

/** The measured ceilings of one provider and thread count; either may be missing. */
export interface Ceilings {
  peak: PeakMeasurement | null;
  bandwidth: BandwidthMeasurement | null;
}

/** The read bandwidth in GB/s, or null where it was not measured or could not be. */
export function bandwidthGBs(bandwidth: BandwidthMeasurement | null | undefined): number | null {
  return bandwidth?.read.supported ? bandwidth.read.gbPerS : null;
}

export function efficiencyOf(batchSize: number, records: readonly EncodeRecord[], cost: ModelCost, ceilings: Ceilings): Efficiency {
  let flops = 0;
  let bytes = 0;
  let activationBytes = 0;
  let encodeMs = 0;
  const byPrecision = new Map<string, number>();
  const perRun: { flops: number; bytes: number }[] = [];
  for (const r of records) {
    const f = cost.flops(r.batchSize, r.sequenceLength);
    const b = cost.bytes(r.batchSize, r.sequenceLength);
    flops += f.total;
    bytes += b.memoryBytes;
    activationBytes += b.activationBytes;
    encodeMs += r.encodeMs;
    perRun.push({ flops: f.total, bytes: b.memoryBytes });
    for (const [precision, n] of Object.entries(f.byPrecision)) byPrecision.set(precision, (byPrecision.get(precision) ?? 0) + n);
  }
  const precision = [...byPrecision].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'fp32';
  const achievedGflops = encodeMs > 0 ? flops / (encodeMs * 1e6) : null;
  const reference = precision === 'fp32' || precision === 'fp16' ? ceilings.peak?.[precision] : undefined;
  const peakGflops = reference?.supported ? reference.gflops : null;
  const bandwidth = bandwidthGBs(ceilings.bandwidth);
  const attainable = peakGflops !== null && bandwidth !== null && flops > 0 ? attainableOf(perRun, peakGflops, bandwidth) : null;
  return {
    batchSize,
    runs: records.length,
    flops,
    encodeMs,
    achievedGflops,
    precision,
    peakGflops,
    fractionOfPeak: achievedGflops !== null && peakGflops ? achievedGflops / peakGflops : null,
    bytes,
    activationBytes,
    intensity: bytes > 0 ? flops / bytes : null,
    bandwidthGBs: bandwidth,
    attainableGflops: attainable?.gflops ?? null,
    bound: attainable?.bound ?? null,
    fractionOfAttainable: achievedGflops !== null && attainable ? achievedGflops / attainable.gflops : null,
  };
}

/**
 * The attainable rate of a set of runs: each run takes at least the longer of its FLOPs at the peak
 * and its bytes at the bandwidth (GFLOP/s and GB/s: both per nanosecond); the bound is the ceiling
 * that sets most of that time.
 */
function attainableOf(runs: readonly { flops: number; bytes: number }[], peakGflops: number, bandwidth: number): { gflops: number; bound: 'memory' | 'compute' } {
  let flops = 0;
  let computeNs = 0;
  let memoryNs = 0;
  for (const run of runs) {
    const compute = run.flops / peakGflops;
    const memory = run.bytes / bandwidth;
    flops += run.flops;
    if (memory > compute) memoryNs += memory;
    else computeNs += compute;
  }
  return { gflops: flops / (computeNs + memoryNs), bound: memoryNs > computeNs ? 'memory' : 'compute' };
}

/** One point per shape (batch size × padded length) of `records`, in order of batch size then tokens. */
export function rooflinePoints(records: readonly EncodeRecord[], cost: ModelCost, ceilings: Ceilings): RooflinePoint[] {
  const byShape = new Map<string, EncodeRecord[]>();
  for (const r of records) {
    const key = `${r.batchSize}x${r.sequenceLength}`;
    const group = byShape.get(key);
    if (group) group.push(r);
    else byShape.set(key, [r]);
  }
  return [...byShape.values()]
    .map((group) => ({ ...efficiencyOf(group[0].batchSize, group, cost, ceilings), tokens: group[0].sequenceLength }))
    .sort((a, b) => a.batchSize - b.batchSize || a.tokens - b.tokens);
}

/** The intensity where the two ceilings meet (FLOP per byte): below it a run is memory-bound. */
export function ridgeIntensity(peakGflops: number, bandwidth: number): number {
  return peakGflops / bandwidth;
}
