import { randomUUID } from 'node:crypto';
import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';
import type { MachineProfile } from '../engine/machine/machine-profile.ts';
import { currentProcessIdentity, type ProcessIdentity } from '../engine/machine/process-identity.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import type { RunEvent } from '../engine/run/run-events.ts';
import type { RunResult } from '../engine/run/run-result.ts';
import type { HistoryDb } from './open-history.ts';
import { addRunModel, appendSamples, beginRun, failRun, storeLexicalFloor, storeModelQuality, storeResult } from './runs.ts';

/**
 * Records a run into the history as it goes. Each batch of measured samples the run emits, and
 * each quality result, is committed as it arrives, so a run killed at any moment leaves its row
 * (status `running`, shown as incomplete once its process is gone), every sample up to the last
 * batch and every quality measured; SQLite's journal guarantees the file is never left half-written.
 */
export interface RunRecorder {
  /** The run's id in the history; the finished result takes it too. */
  readonly runId: string;
  /** Stores what an event measured (samples, a quality result); other events are ignored. */
  record(event: RunEvent): void;
  /** Stores the full result and returns it under the history's id. */
  complete(result: RunResult): RunResult;
  /** Marks the run failed, keeping what it measured. */
  fail(message: string): void;
}

export function startRecording(db: HistoryDb, run: { config: RunConfig; machine: MachineProfile; process?: ProcessIdentity }): RunRecorder {
  const runId = randomUUID();
  beginRun(db, { id: runId, config: run.config, machine: run.machine, startedAt: new Date().toISOString(), process: run.process ?? currentProcessIdentity() });
  // Models get their position by first appearance: the run encodes their pools in configuration
  // order, before any quality or latency is measured.
  const positions = new Map<string, number>();
  const chunks = new Map<string, number>();
  const positionOf = (model: string): number => {
    let position = positions.get(model);
    if (position === undefined) {
      position = positions.size;
      positions.set(model, position);
      addRunModel(db, runId, position, model);
    }
    return position;
  };
  const append = db.transaction((model: string, batchSize: number, samples: LatencySample[] | BatchSample[]) => {
    const position = positionOf(model);
    const series = `${position}/${batchSize}`;
    const chunk = chunks.get(series) ?? 0;
    chunks.set(series, chunk + 1);
    appendSamples(db, runId, position, batchSize, chunk, samples);
  });

  return {
    runId,
    record(event) {
      if (event.type === 'phase' && event.phase === 'encode-candidates' && event.model !== undefined) {
        positionOf(event.model);
      } else if (event.type === 'quality-done') {
        if (event.lexicalFloor) storeLexicalFloor(db, runId, event.quality);
        else storeModelQuality(db, runId, positionOf(event.model), event.quality);
      } else if (event.type === 'latency' && event.phase === 'measure' && event.samples.length > 0) {
        const batchSize = event.scenario === 'offline' ? (event.batchSize ?? (event.samples[0] as BatchSample).batchSize) : 0;
        append(event.model, batchSize, event.samples as LatencySample[] | BatchSample[]);
      }
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
