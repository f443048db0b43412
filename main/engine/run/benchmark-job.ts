import { Worker } from 'node:worker_threads';
import { XlirError } from '../errors.ts';
import { RunConfigSchema, type RunConfigInput } from './run-config.ts';
import type { RunEvent } from './run-events.ts';
import type { RunResult } from './run-result.ts';
import type { BenchmarkWorkerData, WorkerMessage } from './benchmark-worker.ts';
import { configError } from './bounded-config.ts';
import type { OtherRun } from '../measurement-quality/probes.ts';

/**
 * A benchmark running off the caller's thread: the CLI's progress bar and, later, the desktop
 * window stay responsive, and their work does not share the measured thread's event loop.
 */
export interface BenchmarkJob {
  /** Every event of the run, in order; ends after the result or the error. */
  readonly events: AsyncIterable<RunEvent>;
  /** Resolves with the result (status `completed` or `cancelled`); rejects on failure. */
  readonly result: Promise<RunResult>;
  /** Asks the run to stop after the query in flight; `result` then resolves with what was measured. */
  cancel(): void;
}

export interface BenchmarkJobOptions {
  /**
   * Other xlir runs active on this machine now (the store's active-runs registry, which the
   * engine does not import); the worker asks for them between blocks. Without it the monitor
   * says "not measured".
   */
  otherRuns?: () => OtherRun[];
}

export function startBenchmark(input: RunConfigInput, options: BenchmarkJobOptions = {}): BenchmarkJob {
  const parsed = RunConfigSchema.safeParse(input);
  if (!parsed.success) throw configError(parsed.error, 'run configuration');
  // Set by cancel(): the worker reads it even while a synchronous loop blocks its message queue.
  const cancelFlag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(new URL('./benchmark-worker.ts', import.meta.url), {
    workerData: { config: parsed.data, cancelFlag, otherRunsAvailable: options.otherRuns !== undefined } satisfies BenchmarkWorkerData,
  });

  const queue: RunEvent[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  let resolveResult!: (r: RunResult) => void;
  let rejectResult!: (e: unknown) => void;
  const result = new Promise<RunResult>((resolve, reject) => {
    resolveResult = resolve;
    rejectResult = reject;
  });
  result.catch(() => {}); // a caller reading only `events` must not get an unhandled rejection

  const finish = () => {
    finished = true;
    wake?.();
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.type === 'other-runs-request') {
      let runs: OtherRun[] | null = null;
      try {
        runs = options.otherRuns?.() ?? null;
      } catch {
        // An unreadable registry is "not measured", never a failed run.
      }
      worker.postMessage({ type: 'other-runs', id: message.id, runs });
    } else if (message.type === 'event') {
      queue.push(message.event);
      wake?.();
    } else if (message.type === 'done') {
      resolveResult(message.result);
      finish();
    } else {
      rejectResult(message.code ? new XlirError(message.code, message.message) : new Error(message.message + (message.stack ? `\n${message.stack}` : '')));
      finish();
    }
  });
  worker.on('error', (err) => {
    rejectResult(err);
    finish();
  });
  worker.on('exit', (code) => {
    if (!finished) rejectResult(new Error(`benchmark worker exited unexpectedly (code ${code})`));
    finish();
  });

  async function* events(): AsyncGenerator<RunEvent> {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      if (finished) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  }

  return {
    events: events(),
    result,
    cancel: () => {
      Atomics.store(cancelFlag, 0, 1);
      worker.postMessage({ type: 'cancel' });
    },
  };
}
