import { z } from 'zod';
import { FlopCountSchema, type ModelFlops } from './flop-count.ts';
import { PeakMeasurementSchema, type PeakMeasurement } from './matmul-peak.ts';

/**
 * How close a measured run comes to what the hardware can do: achieved GFLOP/s — the FLOPs of
 * every measured graph run at its actual shape, over the encode time measured for it — and its
 * fraction of the measured peak MatMul rate on the same provider and threads.
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
});
export type Efficiency = z.infer<typeof EfficiencySchema>;

export const RooflineSchema = z.object({
  /** What is counted, at batch 1 and the median token count of the measured queries. */
  flops: FlopCountSchema,
  /** The peak the fractions refer to; null when it was not measured. */
  peak: PeakMeasurementSchema.nullable(),
  peakFromCache: z.boolean(),
  efficiency: z.array(EfficiencySchema),
  /** Caveats: a lower-bound count, a missing peak. */
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

export function efficiencyOf(batchSize: number, records: readonly EncodeRecord[], flops: ModelFlops, peak: PeakMeasurement | null): Efficiency {
  let total = 0;
  let encodeMs = 0;
  const byPrecision = new Map<string, number>();
  for (const r of records) {
    const count = flops.count(r.batchSize, r.sequenceLength);
    total += count.total;
    encodeMs += r.encodeMs;
    for (const [precision, f] of Object.entries(count.byPrecision)) byPrecision.set(precision, (byPrecision.get(precision) ?? 0) + f);
  }
  const precision = [...byPrecision].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'fp32';
  const achievedGflops = encodeMs > 0 ? total / (encodeMs * 1e6) : null;
  const reference = precision === 'fp32' || precision === 'fp16' ? peak?.[precision] : undefined;
  const peakGflops = reference?.supported ? reference.gflops : null;
  return {
    batchSize,
    runs: records.length,
    flops: total,
    encodeMs,
    achievedGflops,
    precision,
    peakGflops,
    fractionOfPeak: achievedGflops !== null && peakGflops ? achievedGflops / peakGflops : null,
  };
}
