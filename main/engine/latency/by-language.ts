import { z } from 'zod';
import type { LatencySample } from './latency-sample.ts';
import { summarizeBy } from './grouped-summary.ts';
import { LatencySummarySchema } from './summary.ts';

/**
 * Total latency per query language with the token counts behind it: the same question costs more
 * tokens in Thai or Hindi than in English, and a slower language is usually a longer one.
 */
export const LanguageLatencySchema = z.object({
  lang: z.string(),
  summary: LatencySummarySchema,
  /** Unpadded tokens per query (special tokens included). */
  tokens: z.object({ mean: z.number(), min: z.number().int(), max: z.number().int() }),
});

export type LanguageLatency = z.infer<typeof LanguageLatencySchema>;

/** One entry per language, sorted by language code; samples without a language are left out. */
export function latencyByLanguage(samples: readonly Pick<LatencySample, 'lang' | 'tokens' | 'totalMs'>[]): LanguageLatency[] {
  const byLang = (s: { lang?: string }) => s.lang;
  // Token counts are grouped the same way, as the "latency" of a copy of each sample.
  const tokens = summarizeBy(samples.map((s) => ({ ...(s.lang !== undefined && { lang: s.lang }), totalMs: s.tokens })), byLang);
  return summarizeBy(samples, byLang).map(({ key, summary }, i) => ({
    lang: key,
    summary,
    tokens: { mean: tokens[i].summary.meanMs, min: tokens[i].summary.minMs, max: tokens[i].summary.maxMs },
  }));
}
