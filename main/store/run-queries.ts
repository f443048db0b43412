import { z } from 'zod';
import { XlirError } from '../engine/errors.ts';
import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';
import type { MachineProfile } from '../engine/machine/machine-profile.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import type { RunResult } from '../engine/run/run-result.ts';
import type { HistoryDb } from './open-history.ts';
import { joinResultSamples } from './result-samples.ts';
import type { QualityResult } from '../engine/metrics/quality-result.ts';
import { runState } from './recording-process.ts';
import type { RunOrigin, RunStatus } from './runs.ts';
import { decodeBatchSamples, decodeQuerySamples, type EncodedChunk, type SampleLayout } from './sample-codec.ts';

/** What a run is now: its stored status, except that a `running` run whose process is gone is `incomplete`. */
export const RunStateSchema = z.enum(['running', 'incomplete', 'completed', 'cancelled', 'failed']);
export type RunState = z.infer<typeof RunStateSchema>;

/** One run as `xlir history` lists it (and `--json` prints it). */
export const RunListingSchema = z.object({
  id: z.string(),
  state: RunStateSchema,
  origin: z.enum(['local', 'imported']),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** When this history got the run: its start for a local run, its import for an imported one. */
  recordedAt: z.string(),
  /** Set where the start date cannot be right (a report dated in the future): says why. */
  dateWarning: z.string().nullable(),
  machine: z.object({ id: z.string(), label: z.string() }),
  dataset: z.string(),
  languages: z.array(z.string()).nullable(),
  maxQueries: z.number().nullable(),
  scenario: z.string(),
  models: z.array(
    z.object({
      name: z.string(),
      sha256: z.string().nullable(),
      checkpoint: z.string().nullable(),
      provider: z.string().nullable(),
      /** Samples recorded: queries, or batches for offline runs. */
      samples: z.number().int(),
      p50Ms: z.number().nullable(),
      p99Ms: z.number().nullable(),
      throughputQps: z.number().nullable(),
      mapMultilingual: z.number().nullable(),
    }),
  ),
  error: z.string().nullable(),
});
export type RunListing = z.infer<typeof RunListingSchema>;

export interface RunFilter {
  /** Machine id prefix or part of its label (case-insensitive). */
  machine?: string;
  /** Part of a model name (case-insensitive). */
  model?: string;
  dataset?: string;
  limit?: number;
}

export interface StoredRun {
  id: string;
  machine: { id: string; label: string };
  origin: RunOrigin;
  status: RunStatus;
  state: RunState;
  startedAt: string;
  finishedAt: string | null;
  recordedAt: string;
  dateWarning: string | null;
  error: string | null;
  config: RunConfig;
  machineProfile: MachineProfile;
  /** Each model's quality is kept as soon as measured: an unfinished run has those it got to. */
  models: { position: number; name: string; samples: number; quality: QualityResult | null }[];
  /** The character 3-gram TF-IDF quality, once measured. */
  lexicalFloor: QualityResult | null;
  /** The full result, traces included; null for a run that never finished (running, incomplete, failed). */
  result: RunResult | null;
}

/** The samples a run recorded, trace by trace: all an unfinished run has to show. */
export interface RecordedSeries {
  position: number;
  model: string;
  batchSize: number;
  samples: LatencySample[] | BatchSample[];
}

/** Clocks of different machines disagree a little; a day more is not a clock's drift but a wrong date. */
const CLOCK_SKEW_MS = 24 * 3600_000;

/**
 * Why a run's start date cannot be right, or null: a run cannot start after this history got it
 * (an imported report dated in the future: its machine's clock, or the file, is wrong).
 */
export function implausibleStart(startedAt: string, recordedAt: string): string | null {
  return Date.parse(startedAt) > Date.parse(recordedAt) + CLOCK_SKEW_MS ? `it says it started ${startedAt}, after this history got it (${recordedAt}): that date is wrong` : null;
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

interface RunRow {
  id: string;
  machine_id: string;
  label: string;
  origin: RunOrigin;
  status: RunStatus;
  started_at: string;
  finished_at: string | null;
  recorded_at: string;
  dataset: string;
  scenario: string;
  config_json: string;
  pid: number | null;
  process_start: string | null;
  error: string | null;
}

interface ModelRow {
  run_id: string;
  position: number;
  name: string;
  sha256: string | null;
  checkpoint: string | null;
  provider: string | null;
  samples: number;
  p50_ms: number | null;
  p99_ms: number | null;
  throughput_qps: number | null;
  map_multilingual: number | null;
}

/** The runs, newest first; reads neither results nor samples. */
export function listRuns(db: HistoryDb, filter: RunFilter = {}): RunListing[] {
  const where: string[] = [];
  const params: Record<string, string | number> = { limit: filter.limit ?? -1 };
  if (filter.machine !== undefined) {
    where.push("(m.id LIKE @machinePrefix ESCAPE '\\' OR m.label LIKE @machinePart ESCAPE '\\')");
    params.machinePrefix = `${likeEscape(filter.machine.toLowerCase())}%`;
    params.machinePart = `%${likeEscape(filter.machine)}%`;
  }
  if (filter.model !== undefined) {
    where.push("EXISTS (SELECT 1 FROM run_models rm WHERE rm.run_id = r.id AND rm.name LIKE @model ESCAPE '\\')");
    params.model = `%${likeEscape(filter.model)}%`;
  }
  if (filter.dataset !== undefined) {
    where.push('r.dataset = @dataset');
    params.dataset = filter.dataset;
  }
  const runs = db
    .prepare(
      `SELECT r.id, r.machine_id, m.label, r.origin, r.status, r.started_at, r.finished_at, r.recorded_at, r.dataset, r.scenario, r.config_json, r.pid, r.process_start, r.error
       FROM runs r JOIN machines m ON m.id = r.machine_id
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY r.started_at DESC, r.id LIMIT @limit`,
    )
    .all(params) as RunRow[];
  const models = new Map<string, ModelRow[]>();
  const modelQuery = db.prepare('SELECT * FROM run_models WHERE run_id = ? ORDER BY position');
  for (const run of runs) models.set(run.id, modelQuery.all(run.id) as ModelRow[]);
  return runs.map((r) => {
    const config = JSON.parse(r.config_json) as RunConfig;
    return {
      id: r.id,
      state: runState(r),
      origin: r.origin,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      recordedAt: r.recorded_at,
      dateWarning: implausibleStart(r.started_at, r.recorded_at),
      machine: { id: r.machine_id, label: r.label },
      dataset: r.dataset,
      languages: config.dataset.langs ?? null,
      maxQueries: config.dataset.maxQueries ?? null,
      scenario: r.scenario,
      models: (models.get(r.id) ?? []).map((m) => ({
        name: m.name,
        sha256: m.sha256,
        checkpoint: m.checkpoint,
        provider: m.provider,
        samples: m.samples,
        p50Ms: m.p50_ms,
        p99Ms: m.p99_ms,
        throughputQps: m.throughput_qps,
        mapMultilingual: m.map_multilingual,
      })),
      error: r.error,
    };
  });
}

/**
 * A run's id from what a user types: the full id, 4+ leading characters of it (as `xlir history`
 * prints 8), or `last`: the run this history got most recently (recorded or imported), whatever
 * date a report from another machine carries.
 */
export function resolveRunRef(db: HistoryDb, ref: string): string {
  const wanted = ref.trim().toLowerCase();
  if (wanted === 'last') {
    const row = db.prepare('SELECT id FROM runs ORDER BY recorded_at DESC, rowid DESC LIMIT 1').get() as { id: string } | undefined;
    if (!row) throw new XlirError('RUN_NOT_FOUND', 'The history has no runs yet: "xlir run" records one.');
    return row.id;
  }
  if (!/^[0-9a-f-]{4,36}$/.test(wanted)) throw new XlirError('RUN_NOT_FOUND', `"${ref}" is not a run id: give the id "xlir history" prints (or 4+ leading characters of it), or "last".`);
  const rows = db.prepare('SELECT id FROM runs WHERE id GLOB ? LIMIT 10').all(`${wanted}*`) as { id: string }[];
  if (rows.length === 1) return rows[0].id;
  if (rows.length === 0) throw new XlirError('RUN_NOT_FOUND', `No run "${ref}" in the history ("xlir history" lists them).`);
  throw new XlirError('RUN_AMBIGUOUS', `"${ref}" matches several runs (${rows.map((r) => r.id.slice(0, 13)).join(', ')}…): give more of the id.`);
}

interface ChunkRow {
  position: number;
  batch_size: number;
  count: number;
  layout: number;
  langs: string;
  data: Buffer;
}

function chunkOf(row: ChunkRow): EncodedChunk {
  return { layout: row.layout as SampleLayout, count: row.count, langs: row.langs, data: row.data };
}

/** One trace of a run, in order. */
export function loadSeries(db: HistoryDb, runId: string, position: number, batchSize: number): LatencySample[] | BatchSample[] {
  const rows = db
    .prepare('SELECT position, batch_size, count, layout, langs, data FROM sample_chunks WHERE run_id = ? AND position = ? AND batch_size = ? ORDER BY chunk')
    .all(runId, position, batchSize) as ChunkRow[];
  return batchSize === 0 ? rows.flatMap((r) => decodeQuerySamples(chunkOf(r))) : rows.flatMap((r) => decodeBatchSamples(chunkOf(r)));
}

/** Every trace a run recorded so far, whether or not it finished. */
export function loadRecordedSeries(db: HistoryDb, runId: string): RecordedSeries[] {
  const names = new Map((db.prepare('SELECT position, name FROM run_models WHERE run_id = ?').all(runId) as { position: number; name: string }[]).map((r) => [r.position, r.name]));
  const series = db.prepare('SELECT DISTINCT position, batch_size FROM sample_chunks WHERE run_id = ? ORDER BY position, batch_size').all(runId) as { position: number; batch_size: number }[];
  return series.map((s) => ({ position: s.position, model: names.get(s.position) ?? `model ${s.position + 1}`, batchSize: s.batch_size, samples: loadSeries(db, runId, s.position, s.batch_size) }));
}

/** A run by id (see `resolveRunRef`), with its full result where it finished. */
export function loadRun(db: HistoryDb, runId: string): StoredRun {
  const row = db
    .prepare(
      `SELECT r.id, r.machine_id, m.label, r.origin, r.status, r.started_at, r.finished_at, r.recorded_at, r.dataset, r.scenario, r.config_json, r.machine_json,
         r.result_json, r.lexical_floor_json, r.pid, r.process_start, r.error
       FROM runs r JOIN machines m ON m.id = r.machine_id WHERE r.id = ?`,
    )
    .get(runId) as (RunRow & { machine_json: string; result_json: string | null; lexical_floor_json: string | null }) | undefined;
  if (!row) throw new XlirError('RUN_NOT_FOUND', `No run ${runId} in the history.`);
  const modelRows = db.prepare('SELECT position, name, samples, quality_json FROM run_models WHERE run_id = ? ORDER BY position').all(runId) as { position: number; name: string; samples: number; quality_json: string | null }[];
  const models = modelRows.map((m) => ({ position: m.position, name: m.name, samples: m.samples, quality: m.quality_json === null ? null : (JSON.parse(m.quality_json) as QualityResult) }));
  const result =
    row.result_json === null
      ? null
      : joinResultSamples(JSON.parse(row.result_json) as RunResult, {
          query: (position) => loadSeries(db, runId, position, 0) as LatencySample[],
          batch: (position, batchSize) => loadSeries(db, runId, position, batchSize) as BatchSample[],
        });
  return {
    id: row.id,
    machine: { id: row.machine_id, label: row.label },
    origin: row.origin,
    status: row.status,
    state: runState(row),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    recordedAt: row.recorded_at,
    dateWarning: implausibleStart(row.started_at, row.recorded_at),
    error: row.error,
    config: JSON.parse(row.config_json) as RunConfig,
    machineProfile: JSON.parse(row.machine_json) as MachineProfile,
    models,
    lexicalFloor: row.lexical_floor_json === null ? null : (JSON.parse(row.lexical_floor_json) as QualityResult),
    result,
  };
}
