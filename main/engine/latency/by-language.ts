import { z } from 'zod';
import type { LatencySample } from './latency-sample.ts';
import { LatencySummarySchema, summarize } from './summary.ts';

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
  const groups = new Map<string, { totals: number[]; tokens: number[] }>();
  for (const s of samples) {
    if (s.lang === undefined) continue;
    let group = groups.get(s.lang);
    if (!group) groups.set(s.lang, (group = { totals: [], tokens: [] }));
    group.totals.push(s.totalMs);
    group.tokens.push(s.tokens);
  }
  return [...groups]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([lang, { totals, tokens }]) => ({
      lang,
      summary: summarize(totals),
      tokens: { mean: tokens.reduce((a, b) => a + b, 0) / tokens.length, min: Math.min(...tokens), max: Math.max(...tokens) },
    }));
}
