import type { RunResult } from '../engine/run/run-result.ts';
import { machineId } from './machine-identity.ts';
import type { HistoryDb } from './open-history.ts';
import { implausibleStart } from './run-queries.ts';
import { runExists, storeResult } from './runs.ts';

export interface ImportOutcome {
  /** The run's id in this history: lowercase, whatever case the report gave it. */
  runId: string;
  machineId: string;
  /** `exists`: a run with this id is already in the history (imported before, or recorded here). */
  outcome: 'imported' | 'exists';
  /** What looks wrong in the run but does not stop its import (a start date in the future). */
  warnings: string[];
}

/**
 * Adds validated runs from another history (their report files) under the machines they ran on,
 * each in its own transaction. A run already present is left as it is: importing twice is harmless.
 * Ids are stored lowercase, as this history makes them and as run references are matched.
 */
export function importRuns(db: HistoryDb, runs: readonly { result: RunResult; label?: string }[]): ImportOutcome[] {
  return runs.map(({ result: given, label }) => {
    const result = { ...given, id: given.id.toLowerCase() };
    const outcome = runExists(db, result.id) ? 'exists' : 'imported';
    if (outcome === 'imported') storeResult(db, result, 'imported', label);
    const dateWarning = implausibleStart(result.startedAt, new Date().toISOString());
    return { runId: result.id, machineId: machineId(result.machine), outcome, warnings: dateWarning === null ? [] : [`run ${result.id.slice(0, 8)}: ${dateWarning}`] };
  });
}
