import { z } from 'zod';

// Retrieval quality of one model on one dataset, as the run result JSON embeds it. Every figure
// is defined in DEFINITIONS.md (next to this file); the per-query values behind them live in
// `QualityDetail` (evaluate-quality.ts), outside the JSON.

/**
 * How candidates with equal scores are ordered (DEFINITIONS.md, "Ranking"). Candidates are ranked
 * by score, highest first; among equal scores:
 * - `pessimistic` (default): every irrelevant candidate before every relevant one, so a model never
 *   gains from a tie; tied relevant candidates keep candidate order.
 * - `candidate-order`: candidate order, relevant or not, what a stable sort on the score gives
 *   (`numpy.argsort(-s, kind='stable')`); reproduces figures computed that way.
 */
export const TieRuleSchema = z.enum(['pessimistic', 'candidate-order']);
export type TieRule = z.infer<typeof TieRuleSchema>;

const RecallSchema = z.object({
  '1': z.number(),
  '5': z.number(),
  '10': z.number(),
});

/** A setting made of (query language → candidate language) pairs, macro-averaged over pairs. */
const PairSettingSchema = z.object({
  map: z.number(),
  recall: RecallSchema,
  ndcg10: z.number(),
  /** Pairs averaged: those with at least one query that has a relevant candidate in the pool. */
  pairs: z.number().int().nonnegative(),
});

/** Every query against the pool of all languages, averaged over queries. */
const MultilingualSettingSchema = z.object({
  map: z.number(),
  recall: RecallSchema,
  ndcg10: z.number(),
  queries: z.number().int().nonnegative(),
});

const LanguageBiasSchema = z.object({
  /** Mean over queries of (worst − best rank) of their relevant candidates in the pooled ranking. */
  meanMaxMinRankGap: z.number(),
  medianMaxMinRankGap: z.number(),
  /** Per answer language: mean pooled rank of the relevant candidates in that language. */
  meanRankByLanguage: z.record(z.string(), z.number()),
  /**
   * Fraction of queries whose best-ranked relevant candidate is in the query's own language, among
   * queries with a relevant candidate in their own language; null where there is none.
   */
  sameLanguageFirstRate: z.number().nullable(),
  /** Queries with at least two relevant candidates in the pool (the others have no gap). */
  queries: z.number().int().nonnegative(),
});

export const QualityResultSchema = z.object({
  languages: z.array(z.string()),
  /** Queries and candidates in the evaluated languages. */
  queryCount: z.number().int().nonnegative(),
  candidateCount: z.number().int().nonnegative(),
  /** How equal scores were ranked. */
  ties: TieRuleSchema,
  /** Null where no query has a relevant candidate in its own language. */
  monolingual: PairSettingSchema.nullable(),
  /** Null with fewer than two languages (or no query with a relevant candidate in another one). */
  crossLingual: PairSettingSchema.nullable(),
  multilingual: MultilingualSettingSchema,
  /** Null where no query has two relevant candidates in the pool. */
  languageBias: LanguageBiasSchema.nullable(),
  /**
   * mAP of every (query language X → candidate language Y) pair: `map[x][y]`, diagonal = monolingual;
   * null where no query in X has a relevant candidate in Y.
   */
  pairMatrix: z.object({
    languages: z.array(z.string()),
    map: z.array(z.array(z.number().nullable())),
  }),
});

export type QualityResult = z.infer<typeof QualityResultSchema>;
export type PairSetting = z.infer<typeof PairSettingSchema>;
export type MultilingualSetting = z.infer<typeof MultilingualSettingSchema>;
export type LanguageBias = z.infer<typeof LanguageBiasSchema>;
