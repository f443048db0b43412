import { parentPort, workerData } from 'node:worker_threads';
import { XlirError } from '../errors.ts';
import type { RunConfig } from './run-config.ts';
import type { RunEvent } from './run-events.ts';
import type { RunResult } from './run-result.ts';
import { runBenchmark } from './run-benchmark.ts';

/** What the worker thread posts to `startBenchmark`. */
export type WorkerMessage =
  | { type: 'event'; event: RunEvent }
  | { type: 'done'; result: RunResult }
  | { type: 'failed'; code?: string; message: string; stack?: string };

const port = parentPort!;
const controller = new AbortController();
port.on('message', (message: { type: string }) => {
  if (message.type === 'cancel') controller.abort();
});

try {
  const result = await runBenchmark(workerData as RunConfig, {
    signal: controller.signal,
    emit: (event) => port.postMessage({ type: 'event', event } satisfies WorkerMessage),
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
