import type { ActiveRun, AppEvent } from '../contract/app-api.ts';
import { XlirError } from '../engine/errors.ts';
import { startBenchmark, type BenchmarkJob } from '../engine/run/benchmark-job.ts';
import { planRunModels } from '../engine/run/run-models.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import type { RunEvent } from '../engine/run/run-events.ts';
import { calibrationRecordOf } from '../engine/calibration/noise-floor.ts';
import { listActiveRuns, registerActiveRun } from '../store/active-runs.ts';
import { applySavedCalibration, saveCalibration } from '../store/calibration-file.ts';
import { startHistoryRecording, type HistoryRecording } from '../store/history-access.ts';

/**
 * The app's one benchmark at a time (two would disturb each other's timings), recorded in the
 * history as `xlir run` records it, its events fanned out to every window or event stream. The
 * events so far are kept, so that a window opened mid-run catches up.
 */
export interface RunSession {
  /** `kind` is how the machine's active-runs registry lists it: a run, or an A/A calibration. */
  start(config: RunConfig, kind?: 'serve' | 'calibrate'): Promise<{ runId: string }>;
  /** Asks the run to stop after the query in flight; false if `runId` is not the run in progress. */
  cancel(runId: string): { cancelled: boolean };
  active(): ActiveRun | null;
  /** A run is starting (models being checked, history opened) or running: the machine is taken. */
  busy(): boolean;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Sends an event that is no run's (a replica's progress) to the same windows and streams. */
  announce(event: AppEvent): void;
  /** Cancels the run in progress and waits until it is stored; no run starts after. */
  close(): Promise<void>;
}

interface Current extends ActiveRun {
  job: BenchmarkJob;
  /** Settles once the run is stored and its last event sent. */
  done: Promise<void>;
}

/**
 * `home` holds the machine's active-runs registry (XLIR_HOME): each run is listed there while it
 * runs, so that other xlir processes' monitors see it and its monitor sees them; a finished A/A
 * run's noise floor is saved there as this machine's calibration, and later runs use it.
 */
export function createRunSession(options: { historyFile: string; home: string; warn?: (message: string) => void }): RunSession {
  const listeners = new Set<(event: AppEvent) => void>();
  let current: Current | undefined;
  // From the first moment of a start (machine profile, history) until the run is current.
  let starting: Promise<Current> | undefined;
  let closed = false;

  const emit = (event: AppEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A broken window or stream must not stop the run nor the other listeners.
      }
    }
  };

  const publish = (run: Current, event: RunEvent) => {
    run.events.push(event);
    emit({ type: 'run-event', runId: run.runId, event });
  };

  async function follow(run: Current, recording: HistoryRecording, registration: { release(): void }): Promise<void> {
    let outcome: AppEvent;
    try {
      for await (const event of run.job.events) {
        recording.record(event);
        publish(run, event);
      }
      const result = recording.complete(await run.job.result);
      if (result.noiseFloor && result.status === 'completed') saveCalibration(options.home, calibrationRecordOf(result, result.noiseFloor));
      outcome = { type: 'run-finished', runId: run.runId, status: result.status };
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      recording.fail(message);
      outcome = { type: 'run-failed', runId: run.runId, ...(err instanceof XlirError && { code: err.code }), message };
    } finally {
      registration.release();
      recording.close();
      current = undefined;
    }
    // After the slot is free: a window that reacts by calling activeRun or startRun sees it so.
    emit(outcome);
  }

  async function begin(requested: RunConfig, kind: 'serve' | 'calibrate'): Promise<Current> {
    let run: Current | undefined;
    const config = applySavedCalibration(requested, options.home, options.warn ?? (() => undefined));
    // A folder that is not a model fails before the run is recorded: the history keeps only real runs.
    await planRunModels(config);
    // A history that fails mid-run says so in the run's own warnings, where the window shows them.
    const recording = await startHistoryRecording(config, (message) => run && publish(run, { type: 'warning', message }), { file: options.historyFile });
    let job: BenchmarkJob;
    let registration: { release(): void } | undefined;
    try {
      registration = registerActiveRun(options.home, { runId: recording.runId, kind });
      job = startBenchmark(config, { otherRuns: () => listActiveRuns(options.home).filter((r) => r.runId !== recording.runId) });
    } catch (err) {
      registration?.release();
      recording.fail((err as Error).message);
      recording.close();
      throw err;
    }
    run = { runId: recording.runId, config, startedAt: new Date().toISOString(), events: [], job, done: Promise.resolve() };
    current = run;
    emit({ type: 'run-started', runId: run.runId, config, startedAt: run.startedAt });
    run.done = follow(run, recording, registration);
    return run;
  }

  const busy = () => starting !== undefined || current !== undefined;

  return {
    async start(config, kind = 'serve') {
      if (closed) throw new XlirError('APP_CLOSED', 'The app is shutting down: no new run can start.');
      if (busy()) {
        const which = current ? ` (${current.runId.slice(0, 8)}, started ${current.startedAt})` : '';
        throw new XlirError('RUN_IN_PROGRESS', `A run is in progress${which}: one runs at a time, as two would disturb each other's timings. Wait for it to finish, or cancel it.`);
      }
      starting = begin(config, kind);
      try {
        return { runId: (await starting).runId };
      } finally {
        starting = undefined;
      }
    },
    cancel(runId) {
      if (!current || current.runId !== runId) return { cancelled: false };
      current.job.cancel();
      return { cancelled: true };
    },
    busy,
    active() {
      return current ? { runId: current.runId, config: current.config, startedAt: current.startedAt, events: [...current.events] } : null;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    announce: emit,
    async close() {
      closed = true;
      await starting?.catch(() => undefined);
      const run = current;
      run?.job.cancel();
      await run?.done;
    },
  };
}
