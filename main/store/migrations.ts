import type { Database } from 'better-sqlite3';

/**
 * The history's schema, as the steps that build it. `PRAGMA user_version` holds the number of
 * steps applied; a new version appends a step (never edits a published one), so a database of any
 * older version is brought up to date by the steps it lacks, each in its own transaction.
 */
/** 'XLIR' in the SQLite header: tells our history from any other SQLite file at that path. */
export const HISTORY_APPLICATION_ID = 0x584c4952;

export interface Migration {
  /** The `user_version` after this step. */
  readonly version: number;
  readonly description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'machines, runs, models per run, latency samples in compact chunks',
    up(db) {
      db.exec(`
        -- A machine is known by a salted hash of its hardware facts (machine-identity.ts); the
        -- label is the user's to edit. The profile is the latest one a run brought.
        CREATE TABLE machines (
          id TEXT PRIMARY KEY,
          label TEXT NOT NULL,
          profile_json TEXT NOT NULL,
          first_seen TEXT NOT NULL
        );

        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          machine_id TEXT NOT NULL REFERENCES machines(id),
          origin TEXT NOT NULL CHECK (origin IN ('local', 'imported')),
          status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled', 'failed')),
          started_at TEXT NOT NULL,
          finished_at TEXT,
          dataset TEXT NOT NULL,
          scenario TEXT NOT NULL,
          config_json TEXT NOT NULL,
          machine_json TEXT NOT NULL,
          -- The run result without its samples (they are in sample_chunks); null until it ends.
          result_json TEXT,
          error TEXT,
          -- The recording process, to tell a run in progress from one that was killed.
          pid INTEGER,
          imported_at TEXT
        );
        CREATE INDEX runs_by_start ON runs (started_at);
        CREATE INDEX runs_by_machine ON runs (machine_id, started_at);
        CREATE INDEX runs_by_dataset ON runs (dataset, started_at);

        -- One row per model of a run, with the figures the history list shows, so that listing
        -- never reads a result or a sample.
        CREATE TABLE run_models (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          name TEXT NOT NULL,
          sha256 TEXT,
          checkpoint TEXT,
          provider TEXT,
          -- Samples recorded: queries, or batches for offline runs.
          samples INTEGER NOT NULL DEFAULT 0,
          p50_ms REAL,
          p99_ms REAL,
          throughput_qps REAL,
          map_multilingual REAL,
          PRIMARY KEY (run_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX run_models_by_name ON run_models (name);

        -- Latency samples as written during the run: one row per event batch, columns packed in a
        -- BLOB (sample-codec.ts). A rowid table on purpose: SQLite keeps large rows out of a
        -- WITHOUT ROWID b-tree badly.
        CREATE TABLE sample_chunks (
          run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
          position INTEGER NOT NULL,
          -- 0: one sample per query (single-stream, server); N: offline batches of N queries.
          batch_size INTEGER NOT NULL,
          chunk INTEGER NOT NULL,
          count INTEGER NOT NULL,
          layout INTEGER NOT NULL,
          langs TEXT NOT NULL,
          data BLOB NOT NULL
        );
        CREATE UNIQUE INDEX sample_chunks_by_series ON sample_chunks (run_id, position, batch_size, chunk);
      `);
      db.pragma(`application_id = ${HISTORY_APPLICATION_ID}`);
    },
  },
  {
    version: 2,
    description: 'recording process start time, quality kept as soon as measured, local recording time, lowercase run ids',
    up(db) {
      db.exec(`
        -- With pid, the recording process's start time (process-identity.ts): a killed run whose
        -- pid went to another process is not taken for one in progress. Null in older rows.
        ALTER TABLE runs ADD COLUMN process_start TEXT;
        -- When this history got the run (its start here; the import for an imported one): what
        -- "last" means, whatever date another machine's clock put in a report.
        ALTER TABLE runs ADD COLUMN recorded_at TEXT;
        UPDATE runs SET recorded_at = coalesce(imported_at, started_at);
        CREATE INDEX runs_by_recording ON runs (recorded_at);
        -- The lexical floor's and each model's quality, stored as soon as measured: a run killed
        -- in its latency phase keeps them. A finished run's result holds them too.
        ALTER TABLE runs ADD COLUMN lexical_floor_json TEXT;
        ALTER TABLE run_models ADD COLUMN quality_json TEXT;

        -- Run ids are lowercase: older versions imported an uppercase id as the report gave it, and
        -- such a run could be listed but not found. A run imported twice (once per case) is one run.
        DELETE FROM runs WHERE id <> lower(id) AND lower(id) IN (SELECT id FROM runs);
        PRAGMA defer_foreign_keys = ON;
        UPDATE run_models SET run_id = lower(run_id) WHERE run_id <> lower(run_id);
        UPDATE sample_chunks SET run_id = lower(run_id) WHERE run_id <> lower(run_id);
        UPDATE runs SET id = lower(id), result_json = json_set(result_json, '$.id', lower(id)) WHERE id <> lower(id);
      `);
    },
  },
  {
    version: 3,
    description: 'sweeps (xlir sweep): one model over settings and batch × token grids, for the roofline plot',
    up(db) {
      db.exec(`
        -- A sweep's result is small (timings per configuration): kept whole as JSON.
        CREATE TABLE sweeps (
          id TEXT PRIMARY KEY,
          machine_id TEXT NOT NULL REFERENCES machines(id),
          started_at TEXT NOT NULL,
          model TEXT NOT NULL,
          model_sha256 TEXT,
          result_json TEXT NOT NULL
        );
        CREATE INDEX sweeps_by_machine ON sweeps (machine_id, model, started_at);
      `);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Applies the steps this history lacks, each with its version bump in one transaction: a crash
 * leaves a whole version. The version is read inside each step's write transaction (BEGIN
 * IMMEDIATE), not before it: processes opening a brand-new history at the same moment take
 * turns, and the second finds the step done instead of creating the same tables again.
 */
export function migrate(db: Database, steps: readonly Migration[] = MIGRATIONS): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  for (const step of steps) {
    if (step.version <= version) continue;
    version = db.transaction(() => {
      const current = db.pragma('user_version', { simple: true }) as number;
      if (current >= step.version) return current;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
      return step.version;
    }).immediate();
  }
  return version;
}
