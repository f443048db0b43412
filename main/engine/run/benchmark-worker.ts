import { parentPort, workerData } from 'node:worker_threads';
import { XlirError } from '../errors.ts';
import type { OtherRun } from '../measurement-quality/probes.ts';
import type { RunConfig } from './run-config.ts';
import type { RunEvent } from './run-events.ts';
import type { RunResult } from './run-result.ts';
import { runBenchmark } from './run-benchmark.ts';

/** What the worker thread posts to `startBenchmark`. */
export type WorkerMessage =
  | { type: 'event'; event: RunEvent }
  | { type: 'done'; result: RunResult }
  | { type: 'failed'; code?: string; message: string; stack?: string }
  | { type: 'other-runs-request'; id: number };

export interface BenchmarkWorkerData {
  config: RunConfig;
  /** Element 0 becomes 1 on cancel. */
  cancelFlag: Int32Array<SharedArrayBuffer>;
  /** Whether the parent answers `other-runs-request` (the active-runs registry). */
  otherRunsAvailable: boolean;
}

const port = parentPort!;
const { config, cancelFlag, otherRunsAvailable } = workerData as BenchmarkWorkerData;
const controller = new AbortController();
const otherRunsReplies = new Map<number, (runs: OtherRun[] | null) => void>();
// The message wakes the awaiting phases (latency); the flag reaches synchronous ones (quality) at their next emit.
port.on('message', (message: { type: string; id?: number; runs?: OtherRun[] | null }) => {
  if (message.type === 'cancel') controller.abort();
  else if (message.type === 'other-runs') {
    otherRunsReplies.get(message.id!)?.(message.runs ?? null);
    otherRunsReplies.delete(message.id!);
  }
});
let nextRequest = 0;
/** Asks the parent thread, which holds the registry, for the other active runs. */
const otherRuns = () =>
  new Promise<OtherRun[] | null>((resolve) => {
    const id = nextRequest++;
    otherRunsReplies.set(id, resolve);
    port.postMessage({ type: 'other-runs-request', id } satisfies WorkerMessage);
  });
const checkCancelFlag = () => {
  if (!controller.signal.aborted && Atomics.load(cancelFlag, 0) === 1) controller.abort();
};

try {
  const result = await runBenchmark(config, {
    signal: controller.signal,
    ...(otherRunsAvailable && { otherRuns }),
    emit: (event) => {
      port.postMessage({ type: 'event', event } satisfies WorkerMessage);
      checkCancelFlag();
    },
  });
  port.postMessage({ type: 'done', result } satisfies WorkerMessage);
} catch (err) {
  const failure: WorkerMessage =
    err instanceof XlirError
      ? { type: 'failed', code: err.code, message: err.message }
      : { type: 'failed', message: (err as Error).message ?? String(err), stack: (err as Error).stack };
  port.postMessage(failure);
} finally {
  port.close();
}
