import { z } from 'zod';
import type { LatencySample } from './latency-sample.ts';
import { percentileOfSorted, sortedCopy } from './percentiles.ts';

/**
 * Latency against token count: the least-squares line `ms ≈ fixedMs + perTokenMs · tokens` over
 * every measured query, and the points behind it (median and mean per token count). The fixed
 * cost is what a query costs whatever its length (call glue, search, per-op overheads); the
 * per-token cost is what each token adds. Over the lengths of real questions (tens of tokens) an
 * encoder's cost is close to linear: the quadratic attention term is a few percent of the GEMMs.
 */
export const TokenFitSchema = z.object({
  fixedMs: z.number(),
  perTokenMs: z.number(),
  /** Coefficient of determination of the fit over all samples; null when the latencies do not vary. */
  r2: z.number().nullable(),
  samples: z.number().int(),
  points: z.array(z.object({ tokens: z.number().int(), count: z.number().int(), p50Ms: z.number(), meanMs: z.number() })),
});

export type TokenFit = z.infer<typeof TokenFitSchema>;

/** The fit of total latency and of the encode stage alone (the part that grows with tokens). */
export const TokenCostSchema = z.object({ total: TokenFitSchema.nullable(), encode: TokenFitSchema.nullable() });
export type TokenCost = z.infer<typeof TokenCostSchema>;

/** Ordinary least squares of `ms` on `tokens`; null with fewer than two distinct token counts (no slope to fit). */
export function fitTokenCost(points: readonly { tokens: number; ms: number }[]): TokenFit | null {
  const n = points.length;
  if (n === 0) return null;
  let meanX = 0;
  let meanY = 0;
  for (const p of points) {
    meanX += p.tokens;
    meanY += p.ms;
  }
  meanX /= n;
  meanY /= n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.tokens - meanX) ** 2;
    sxy += (p.tokens - meanX) * (p.ms - meanY);
    syy += (p.ms - meanY) ** 2;
  }
  if (sxx === 0) return null;
  const perTokenMs = sxy / sxx;
  const fixedMs = meanY - perTokenMs * meanX;
  let residual = 0;
  for (const p of points) residual += (p.ms - fixedMs - perTokenMs * p.tokens) ** 2;

  const byTokens = new Map<number, number[]>();
  for (const p of points) {
    let list = byTokens.get(p.tokens);
    if (!list) byTokens.set(p.tokens, (list = []));
    list.push(p.ms);
  }
  return {
    fixedMs,
    perTokenMs,
    r2: syy > 0 ? 1 - residual / syy : null,
    samples: n,
    points: [...byTokens]
      .sort(([a], [b]) => a - b)
      .map(([tokens, ms]) => ({ tokens, count: ms.length, p50Ms: percentileOfSorted(sortedCopy(ms), 50), meanMs: ms.reduce((a, b) => a + b, 0) / ms.length })),
  };
}

export function tokenCost(samples: readonly Pick<LatencySample, 'tokens' | 'totalMs' | 'encodeMs'>[]): TokenCost {
  return {
    total: fitTokenCost(samples.map((s) => ({ tokens: s.tokens, ms: s.totalMs }))),
    encode: fitTokenCost(samples.map((s) => ({ tokens: s.tokens, ms: s.encodeMs }))),
  };
}
