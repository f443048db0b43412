import type { RunResult } from '../engine/run/run-result.ts';
import { machineId } from './machine-identity.ts';
import type { HistoryDb } from './open-history.ts';
import { runExists, storeResult } from './runs.ts';

export interface ImportOutcome {
  runId: string;
  machineId: string;
  /** `exists`: a run with this id is already in the history (imported before, or recorded here). */
  outcome: 'imported' | 'exists';
}

/**
 * Adds validated runs from another history (their report files) under the machines they ran on,
 * each in its own transaction. A run already present is left as it is: importing twice is harmless.
 */
export function importRuns(db: HistoryDb, runs: readonly { result: RunResult; label?: string }[]): ImportOutcome[] {
  return runs.map(({ result, label }) => {
    const outcome = runExists(db, result.id) ? 'exists' : 'imported';
    if (outcome === 'imported') storeResult(db, result, 'imported', label);
    return { runId: result.id, machineId: machineId(result.machine), outcome };
  });
}
