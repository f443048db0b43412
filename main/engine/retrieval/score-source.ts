/**
 * What quality evaluation needs from a retriever: the score of every query against every
 * candidate, a block of queries at a time. Dense encoders (inner products of embeddings) and the
 * lexical floor (sparse TF-IDF) both provide it, so one metric implementation serves both.
 */
export interface ScoreSource {
  readonly queryCount: number;
  readonly candidateCount: number;
  /**
   * Writes the scores of queries `[start, end)` against candidates `0 … candidateCount − 1` into
   * `out`, row-major: `out[(q − start) · candidateCount + c]`. Higher is more relevant. Doubles,
   * so that rounding never creates ties the retriever did not produce.
   */
  scoreBlock(start: number, end: number, out: Float64Array): void;
}
