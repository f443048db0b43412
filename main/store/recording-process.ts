import { isProcessAlive, type ProcessIdentity } from '../engine/machine/process-identity.ts';
import type { RunState } from './run-queries.ts';
import type { RunStatus } from './runs.ts';

/** The recording process as a run's row holds it (`process_start` is null in rows from before it was kept). */
export interface RecordingRow {
  status: RunStatus;
  pid: number | null;
  process_start: string | null;
}

export function recordingProcess(row: RecordingRow): ProcessIdentity | null {
  return row.pid === null ? null : { pid: row.pid, startTime: row.process_start };
}

/**
 * What a run is now: its stored status, except that a `running` run whose recording process is
 * gone — exited, killed, or its id since reused by another process — is `incomplete`.
 */
export function runState(row: RecordingRow): RunState {
  if (row.status !== 'running') return row.status;
  const recorder = recordingProcess(row);
  return recorder !== null && isProcessAlive(recorder) ? 'running' : 'incomplete';
}
