import { randomUUID } from 'node:crypto';
import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';
import type { MachineProfile } from '../engine/machine/machine-profile.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import type { RunEvent } from '../engine/run/run-events.ts';
import type { RunResult } from '../engine/run/run-result.ts';
import type { HistoryDb } from './open-history.ts';
import { addRunModel, appendSamples, beginRun, failRun, storeResult } from './runs.ts';

/**
 * Records a run into the history as it goes. Each batch of measured samples the run emits is
 * committed in its own transaction, so a run killed at any moment leaves its row (status
 * `running`, shown as incomplete once its process is gone) and every sample up to the last batch;
 * SQLite's journal guarantees the file itself is never left half-written.
 */
export interface RunRecorder {
  /** The run's id in the history; the finished result takes it too. */
  readonly runId: string;
  /** Stores the measured samples of a `latency` event; other events are ignored. */
  record(event: RunEvent): void;
  /** Stores the full result and returns it under the history's id. */
  complete(result: RunResult): RunResult;
  /** Marks the run failed, keeping what it measured. */
  fail(message: string): void;
}

export function startRecording(db: HistoryDb, run: { config: RunConfig; machine: MachineProfile; pid?: number }): RunRecorder {
  const runId = randomUUID();
  beginRun(db, { id: runId, config: run.config, machine: run.machine, startedAt: new Date().toISOString(), pid: run.pid ?? process.pid });
  // Models get their position by first appearance: the run emits them in configuration order.
  const positions = new Map<string, number>();
  const chunks = new Map<string, number>();
  const append = db.transaction((model: string, batchSize: number, samples: LatencySample[] | BatchSample[]) => {
    let position = positions.get(model);
    if (position === undefined) {
      position = positions.size;
      positions.set(model, position);
      addRunModel(db, runId, position, model);
    }
    const series = `${position}/${batchSize}`;
    const chunk = chunks.get(series) ?? 0;
    chunks.set(series, chunk + 1);
    appendSamples(db, runId, position, batchSize, chunk, samples);
  });

  return {
    runId,
    record(event) {
      if (event.type !== 'latency' || event.phase !== 'measure' || event.samples.length === 0) return;
      const batchSize = event.scenario === 'offline' ? (event.batchSize ?? (event.samples[0] as BatchSample).batchSize) : 0;
      append(event.model, batchSize, event.samples as LatencySample[] | BatchSample[]);
    },
    complete(result) {
      const stored = { ...result, id: runId };
      storeResult(db, stored, 'local');
      return stored;
    },
    fail(message) {
      failRun(db, runId, message);
    },
  };
}
