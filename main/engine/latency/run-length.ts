import type { LatencyProgress } from './scenario.ts';

/** How long a phase runs: until BOTH limits are reached (MLPerf LoadGen's min query count and min duration). */
export interface RunLength {
  minQueries: number;
  minDurationMs: number;
}

export function runLengthReached(done: number, elapsedMs: number, length: RunLength): boolean {
  return done >= length.minQueries && elapsedMs >= length.minDurationMs;
}

/**
 * Progress of a phase from the rate so far: the target grows beyond `minQueries` when the
 * minimum duration will take more queries, and the ETA is whichever limit is further away.
 */
export function progressOf(done: number, elapsedMs: number, length: RunLength): LatencyProgress {
  if (done === 0 || elapsedMs <= 0) {
    return { done, target: Math.max(length.minQueries, done), elapsedMs, etaMs: null };
  }
  const perMs = done / elapsedMs;
  const target = Math.max(length.minQueries, done, Math.ceil(length.minDurationMs * perMs));
  const etaMs = runLengthReached(done, elapsedMs, length)
    ? 0
    : Math.max((target - done) / perMs, length.minDurationMs - elapsedMs, 0);
  return { done, target, elapsedMs, etaMs };
}
