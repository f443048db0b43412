import { XlirError } from '../engine/errors.ts';
import { captureMachineProfile } from '../engine/machine/machine-profile.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import type { RunEvent } from '../engine/run/run-events.ts';
import type { RunResult } from '../engine/run/run-result.ts';
import { historyError, openHistory, type History, type OpenHistoryOptions } from './open-history.ts';
import type { ReportRun } from '../report/report-run.ts';
import { loadRun, resolveRunRef, type StoredRun } from './run-queries.ts';
import { startRecording } from './run-recorder.ts';
import { listSweeps } from './sweeps.ts';

/**
 * Runs `fn` on the history and closes it; SQLite's errors (locked, read-only, damaged) come out as
 * messages that name the file and what to do.
 */
export async function withHistory<T>(fn: (history: History) => T | Promise<T>, options: OpenHistoryOptions = {}): Promise<T> {
  const history = openHistory(options);
  try {
    return await fn(history);
  } catch (err) {
    throw historyError(err, history.file);
  } finally {
    history.close();
  }
}

/** The history side of `xlir run` and of runs started from the app: never the reason a benchmark is lost. */
export interface HistoryRecording {
  readonly runId: string;
  readonly file: string;
  record(event: RunEvent): void;
  /** The result under the history's id, stored; unchanged if the history failed during the run. */
  complete(result: RunResult): RunResult;
  fail(message: string): void;
  close(): void;
}

/**
 * Opens the history for a run and registers it as `running`. A history that cannot be used is an
 * error before anything is measured (the message says how to run without it); one that fails
 * during the run (a full disk) gets a warning, and the run goes on unrecorded.
 */
export async function startHistoryRecording(config: RunConfig, warn: (message: string) => void, options: OpenHistoryOptions = {}): Promise<HistoryRecording> {
  const history = openHistory({ ...options, verify: true });
  let recorder;
  try {
    recorder = startRecording(history.db, { config, machine: await captureMachineProfile() });
  } catch (err) {
    history.close();
    throw historyError(err, history.file);
  }
  let broken = false;
  const guarded = <T>(action: () => T, fallback: T): T => {
    if (broken) return fallback;
    try {
      return action();
    } catch (err) {
      broken = true;
      const e = historyError(err, history.file);
      warn(`history: ${(e as Error).message} This run is not recorded beyond this point.`);
      return fallback;
    }
  };
  return {
    runId: recorder.runId,
    file: history.file,
    record: (event) => guarded(() => recorder.record(event), undefined),
    complete: (result) => guarded(() => recorder.complete(result), result),
    fail: (message) => guarded(() => recorder.fail(message), undefined),
    close: () => history.close(),
  };
}

/** Finished runs by what the user typed, as reports and comparisons take them. */
export function loadReportRuns(db: History['db'], refs: readonly string[], purpose: string): (ReportRun & { stored: StoredRun })[] {
  return refs.map((ref) => {
    const stored = loadRun(db, resolveRunRef(db, ref));
    if (!stored.result) {
      throw new XlirError('RUN_UNFINISHED', `Run ${stored.id.slice(0, 8)} is ${stored.state}: it has no result to ${purpose}. "xlir show ${stored.id.slice(0, 8)}" summarises the samples it recorded; "xlir export ${stored.id.slice(0, 8)} --format csv" writes them.`);
    }
    const sweeps = listSweeps(db, { machineId: stored.machine.id, models: stored.result.models.map((m) => m.name) });
    return { result: stored.result, machine: stored.machine, sweeps, stored };
  });
}
