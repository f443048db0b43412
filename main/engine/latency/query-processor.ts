import type { Clock } from './clock.ts';

/** Per-stage times of one processed batch, milliseconds, measured with the scenario's clock. */
export interface ProcessedBatch {
  tokenizeMs: number;
  encodeMs: number;
  searchMs: number;
  /** Unpadded token count of each query, in the order of the indices given (special tokens included). */
  tokens: number[];
}

/**
 * The system under test, in MLPerf LoadGen's sense: one model with its candidate index, built by
 * the run orchestrator (tokenize → encoder.run → exact search). Scenarios decide *when* and *how
 * many* queries to issue; the processor only does the work.
 *
 * Timing contract: the processor reads `clock.nowMs()` around each stage and returns the
 * differences; the scenario times the whole call with the same clock. So a sample's `totalMs` is
 * at least the sum of its stages, and the difference is glue (promise scheduling, copying).
 * Embedding the candidates and loading the model happen before any scenario runs and are never
 * part of a query's time.
 */
export interface QueryProcessor {
  /** Queries are addressed by index, 0 … queryCount − 1. */
  readonly queryCount: number;
  /** The query's language, recorded in each sample so latency can be reported per language. */
  languageOf?(queryIndex: number): string;
  /** Processes `queryIndices` as one batch (one tokenizer call, one graph run, one search). */
  process(queryIndices: readonly number[], clock: Clock): Promise<ProcessedBatch>;
}

/** A processed batch with the scenario's own timing of the whole call. */
export interface TimedBatch extends ProcessedBatch {
  startMs: number;
  endMs: number;
}

/** The one way scenarios call the processor: the call is timed with the same clock as its stages. */
export async function timedProcess(processor: QueryProcessor, queryIndices: readonly number[], clock: Clock): Promise<TimedBatch> {
  const startMs = clock.nowMs();
  const batch = await processor.process(queryIndices, clock);
  const endMs = clock.nowMs();
  if (batch.tokens.length !== queryIndices.length) {
    throw new Error(`query processor returned ${batch.tokens.length} token counts for ${queryIndices.length} queries`);
  }
  return { ...batch, startMs, endMs };
}
