import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, SCHEMA_VERSION, migrate, type Migration } from '../../main/store/migrations.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { listRuns } from '../../main/store/run-queries.ts';
import { storeResult } from '../../main/store/runs.ts';
import { syntheticResult } from './synthetic-result.ts';
import { tempHistoryFile } from './temp-history.ts';

const userVersion = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true });
  } finally {
    db.close();
  }
};

describe('history schema migrations', () => {
  it('build the whole schema in a new, empty file', () => {
    const file = tempHistoryFile();
    const history = openHistory({ file });
    const tables = history.db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(['machines', 'run_models', 'runs', 'sample_chunks', 'sweeps']);
    expect(history.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(history.db.pragma('foreign_keys', { simple: true })).toBe(1);
    history.close();
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
  });

  for (let version = 0; version < SCHEMA_VERSION; version++) {
    it(`bring a version-${version} history up to date`, () => {
      const file = tempHistoryFile();
      const db = new Database(file);
      migrate(db, MIGRATIONS.filter((m) => m.version <= version));
      db.close();
      expect(userVersion(file)).toBe(version);
      openHistory({ file }).close();
      expect(userVersion(file)).toBe(SCHEMA_VERSION);
    });
  }

  // A later version, as a future build would add it: a column and an index.
  const nextVersion: Migration = {
    version: SCHEMA_VERSION + 1,
    description: 'test: a note per run',
    up: (db) => db.exec('ALTER TABLE runs ADD COLUMN note TEXT; CREATE INDEX runs_by_note ON runs (note);'),
  };

  it('apply only the steps a history lacks, keeping its runs', () => {
    const file = tempHistoryFile();
    const current = openHistory({ file });
    storeResult(current.db, syntheticResult({ samples: 20 }), 'local');
    current.close();

    const upgraded = openHistory({ file, migrations: [...MIGRATIONS, nextVersion] });
    expect(upgraded.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    expect(listRuns(upgraded.db).map((r) => r.models.map((m) => m.samples))).toEqual([[20, 20]]);
    expect(upgraded.db.prepare('SELECT note FROM runs').pluck().all()).toEqual([null]);
    upgraded.close();
  });

  it('roll a failing step back whole: the version and the data stay as they were', () => {
    const file = tempHistoryFile();
    const current = openHistory({ file });
    storeResult(current.db, syntheticResult({ samples: 5 }), 'local');
    current.close();
    const broken: Migration = {
      version: SCHEMA_VERSION + 1,
      description: 'test: fails half-way',
      up: (db) => db.exec('ALTER TABLE runs ADD COLUMN note TEXT; DELETE FROM sample_chunks; SELECT no_such_function();'),
    };
    expect(() => openHistory({ file, migrations: [...MIGRATIONS, broken] })).toThrow(/no_such_function/);
    expect(userVersion(file)).toBe(SCHEMA_VERSION);
    const reopened = openHistory({ file });
    expect(reopened.db.prepare('SELECT count(*) FROM sample_chunks').pluck().get()).toBeGreaterThan(0);
    expect(reopened.db.prepare("SELECT count(*) FROM pragma_table_info('runs') WHERE name = 'note'").pluck().get()).toBe(0);
    reopened.close();
  });
});
