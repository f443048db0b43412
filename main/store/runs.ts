import { XlirError } from '../engine/errors.ts';
import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';
import type { MachineProfile } from '../engine/machine/machine-profile.ts';
import type { ProcessIdentity } from '../engine/machine/process-identity.ts';
import type { QualityResult } from '../engine/metrics/quality-result.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import type { ModelRun, RunResult } from '../engine/run/run-result.ts';
import { upsertMachine } from './machines.ts';
import type { HistoryDb } from './open-history.ts';
import { splitResultSamples } from './result-samples.ts';
import { recordingProcess, runState, type RecordingRow } from './recording-process.ts';
import type { RunState } from './run-queries.ts';
import { encodeBatchSamples, encodeQuerySamples } from './sample-codec.ts';

export type RunStatus = 'running' | 'completed' | 'cancelled' | 'failed';
export type RunOrigin = 'local' | 'imported';

/** Samples per chunk when a whole trace is written at once (a finished or imported run): ~220 kB rows. */
const CHUNK_SAMPLES = 4096;

export interface NewRun {
  id: string;
  config: RunConfig;
  machine: MachineProfile;
  startedAt: string;
  /** The recording process: while it lives the run is in progress, after it the run is incomplete. */
  process: ProcessIdentity;
}

/** The row of a run about to be measured: status `running` until `storeResult` or `failRun`. */
export function beginRun(db: HistoryDb, run: NewRun): void {
  db.transaction(() => {
    const machineId = upsertMachine(db, run.machine, 'local');
    db.prepare(
      `INSERT INTO runs (id, machine_id, origin, status, started_at, recorded_at, dataset, scenario, config_json, machine_json, pid, process_start)
       VALUES (?, ?, 'local', 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(run.id, machineId, run.startedAt, run.startedAt, run.config.dataset.name, run.config.scenario.kind, JSON.stringify(run.config), JSON.stringify(run.machine), run.process.pid, run.process.startTime);
  }).immediate();
}

/** Names the model at `position` of a run (before its result gives the full record). */
export function addRunModel(db: HistoryDb, runId: string, position: number, name: string): void {
  db.prepare('INSERT OR IGNORE INTO run_models (run_id, position, name) VALUES (?, ?, ?)').run(runId, position, name);
}

/** A model's quality, kept as soon as measured (the finished result, if the run gets there, holds it too). */
export function storeModelQuality(db: HistoryDb, runId: string, position: number, quality: QualityResult): void {
  db.prepare('UPDATE run_models SET quality_json = ?, map_multilingual = ? WHERE run_id = ? AND position = ?').run(JSON.stringify(quality), quality.multilingual.map, runId, position);
}

/** The lexical floor's quality, kept as soon as measured. */
export function storeLexicalFloor(db: HistoryDb, runId: string, quality: QualityResult): void {
  db.prepare('UPDATE runs SET lexical_floor_json = ? WHERE id = ?').run(JSON.stringify(quality), runId);
}

/** Appends one chunk of a trace and counts its samples for the model: the caller's transaction. */
export function appendSamples(db: HistoryDb, runId: string, position: number, batchSize: number, chunk: number, samples: readonly LatencySample[] | readonly BatchSample[]): void {
  const encoded = batchSize === 0 ? encodeQuerySamples(samples as LatencySample[]) : encodeBatchSamples(samples as BatchSample[]);
  db.prepare('INSERT INTO sample_chunks (run_id, position, batch_size, chunk, count, layout, langs, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    runId,
    position,
    batchSize,
    chunk,
    encoded.count,
    encoded.layout,
    encoded.langs,
    encoded.data,
  );
  db.prepare('UPDATE run_models SET samples = samples + ? WHERE run_id = ? AND position = ?').run(samples.length, runId, position);
}

/** What the history list shows of a model, so that listing never reads a result. */
function modelFigures(m: ModelRun) {
  const l = m.latency;
  let p50: number | null;
  let p99: number | null;
  let qps: number | null;
  if (l.scenario === 'offline') {
    // Per-query figures come from the smallest batch size (1 where measured); throughput from the best.
    const first = [...l.runs].sort((a, b) => a.batchSize - b.batchSize).find((r) => r.stages);
    p50 = first?.stages ? first.stages.total.p50Ms / first.batchSize : null;
    p99 = first?.stages ? first.stages.total.p99Ms / first.batchSize : null;
    const rates = l.runs.map((r) => r.queriesPerSecond).filter((q): q is number => q !== null);
    qps = rates.length > 0 ? Math.max(...rates) : null;
  } else {
    p50 = l.stages?.total.p50Ms ?? null;
    p99 = l.stages?.total.p99Ms ?? null;
    qps = l.scenario === 'server' ? l.completedQps : l.throughputQps;
  }
  return { p50, p99, qps, map: m.quality?.multilingual.map ?? null };
}

/**
 * Stores a finished run — the end of a local recording, or an imported one — in one transaction:
 * the result without its traces, a row per model, and every trace rewritten from the result (the
 * chunks streamed during the run are replaced, so the history holds exactly what the result says).
 */
export function storeResult(db: HistoryDb, result: RunResult, origin: RunOrigin, machineLabel?: string): void {
  const { skeleton, series } = splitResultSamples(result);
  const importedAt = origin === 'imported' ? new Date().toISOString() : null;
  db.transaction(() => {
    const machineId = upsertMachine(db, result.machine, origin, machineLabel);
    db.prepare(
      `INSERT INTO runs (id, machine_id, origin, status, started_at, finished_at, recorded_at, dataset, scenario, config_json, machine_json, result_json, lexical_floor_json, imported_at)
       VALUES (@id, @machineId, @origin, @status, @startedAt, @finishedAt, @recordedAt, @dataset, @scenario, @config, @machine, @result, @lexicalFloor, @importedAt)
       ON CONFLICT (id) DO UPDATE SET machine_id = @machineId, status = @status, started_at = @startedAt, finished_at = @finishedAt,
         dataset = @dataset, scenario = @scenario, config_json = @config, machine_json = @machine, result_json = @result,
         lexical_floor_json = @lexicalFloor, error = NULL`,
    ).run({
      id: result.id,
      machineId,
      origin,
      status: result.status,
      startedAt: result.startedAt,
      finishedAt: result.finishedAt,
      dataset: result.dataset.name,
      scenario: result.config.scenario.kind,
      config: JSON.stringify(result.config),
      machine: JSON.stringify(result.machine),
      result: JSON.stringify(skeleton),
      lexicalFloor: result.lexicalFloor === null ? null : JSON.stringify(result.lexicalFloor),
      importedAt,
      // A local run that was recorded as it went keeps the time its row was made (ON CONFLICT above).
      recordedAt: importedAt ?? result.startedAt,
    });
    db.prepare('DELETE FROM sample_chunks WHERE run_id = ?').run(result.id);
    db.prepare('DELETE FROM run_models WHERE run_id = ?').run(result.id);
    const insertModel = db.prepare(
      `INSERT INTO run_models (run_id, position, name, sha256, checkpoint, provider, samples, p50_ms, p99_ms, throughput_qps, map_multilingual, quality_json)
       VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)`,
    );
    result.models.forEach((m, position) => {
      const f = modelFigures(m);
      insertModel.run(result.id, position, m.name, m.model.sha256, m.manifest.checkpoint, m.provider.actual, f.p50, f.p99, f.qps, f.map, m.quality === null ? null : JSON.stringify(m.quality));
    });
    for (const s of series) {
      for (let start = 0, chunk = 0; start < s.samples.length; start += CHUNK_SAMPLES, chunk++) {
        appendSamples(db, result.id, s.position, s.batchSize, chunk, s.samples.slice(start, start + CHUNK_SAMPLES) as LatencySample[] | BatchSample[]);
      }
    }
  }).immediate();
}

/** A run that ended in an error: kept with what it measured, and the error. */
export function failRun(db: HistoryDb, runId: string, message: string): void {
  db.prepare("UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ? AND status = 'running'").run(new Date().toISOString(), message, runId);
}

export function runExists(db: HistoryDb, runId: string): boolean {
  return db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) !== undefined;
}

/**
 * Removes a run with its models and samples (the schema cascades to both) and returns the state it
 * was in; its machine stays, with its label. A run whose recording process is alive is refused: that process is still writing it.
 * `force` removes it all the same: for a run whose process the history cannot tell from a live
 * one (no start time was kept, and its pid now belongs to another process).
 */
export function deleteRun(db: HistoryDb, runId: string, options: { force?: boolean } = {}): RunState {
  return db.transaction(() => {
    const row = db.prepare('SELECT status, pid, process_start FROM runs WHERE id = ?').get(runId) as RecordingRow | undefined;
    if (!row) throw new XlirError('RUN_NOT_FOUND', `No run ${runId} in the history.`);
    const state = runState(row);
    if (state === 'running' && !options.force) throw new XlirError('RUN_IN_PROGRESS', stillRecordingMessage(runId, row));
    db.prepare('DELETE FROM runs WHERE id = ?').run(runId);
    return state;
  }).immediate();
}

function stillRecordingMessage(runId: string, row: RecordingRow): string {
  const short = runId.slice(0, 8);
  const recorder = recordingProcess(row)!;
  const how = `Run ${short} is still being recorded by process ${recorder.pid}: cancel it (Ctrl-C where it runs, or kill ${recorder.pid}) or wait until it ends, then delete it.`;
  // With its start time the process is surely the recorder; without, the pid may have gone to another process.
  return recorder.startTime !== null
    ? how
    : `${how} If process ${recorder.pid} is not that run (it was killed, and its process id went to another program), "xlir delete --force ${short}" removes it.`;
}
