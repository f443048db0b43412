import Database from 'better-sqlite3';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { SCHEMA_VERSION } from '../../main/store/migrations.ts';
import { historyError, openHistory } from '../../main/store/open-history.ts';
import { storeResult } from '../../main/store/runs.ts';
import { syntheticResult } from './synthetic-result.ts';
import { sha256Of, tempHistoryFile } from './temp-history.ts';

function errorOf(fn: () => unknown): XlirError {
  try {
    fn();
  } catch (err) {
    if (err instanceof XlirError) return err;
    throw err;
  }
  throw new Error('expected an XlirError');
}

/** A closed history holding one run, checkpointed into the main file. */
function historyWithOneRun(): string {
  const file = tempHistoryFile();
  const history = openHistory({ file });
  storeResult(history.db, syntheticResult({ samples: 2000 }), 'local');
  history.close();
  return file;
}

describe('opening the history', () => {
  it('refuses a file that is not a database, and leaves it as it was', () => {
    const file = tempHistoryFile();
    writeFileSync(file, 'my notes, not a database\n'.repeat(400));
    const before = sha256Of(file);
    const err = errorOf(() => openHistory({ file }));
    expect(err.code).toBe('HISTORY_CORRUPT');
    expect(err.message).toContain(file);
    expect(err.message).toMatch(/left untouched.*Move it away/);
    expect(sha256Of(file)).toBe(before);
  });

  it('finds a damaged page before writing to the file', () => {
    const file = historyWithOneRun();
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const root = db.prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'sample_chunks_by_series'").pluck().get() as number;
    db.close();
    const bytes = Buffer.from(readFileSync(file));
    bytes.fill(0x5a, (root - 1) * pageSize + 8, root * pageSize - 8);
    writeFileSync(file, bytes);
    const before = sha256Of(file);
    const err = errorOf(() => openHistory({ file, verify: true }));
    expect(err.code).toBe('HISTORY_CORRUPT');
    expect(err.message).toMatch(/damaged/);
    expect(sha256Of(file)).toBe(before);
  });

  it('refuses a history from a newer version without touching it', () => {
    const file = historyWithOneRun();
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const before = sha256Of(file);
    const err = errorOf(() => openHistory({ file }));
    expect(err.code).toBe('HISTORY_TOO_NEW');
    expect(err.message).toMatch(new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer than this XLIR Bench knows \\(${SCHEMA_VERSION}\\).*Update XLIR Bench`));
    expect(sha256Of(file)).toBe(before);
  });

  it("refuses another program's SQLite file at that path", () => {
    const file = tempHistoryFile();
    const db = new Database(file);
    db.exec('CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES (\'Ana\')');
    db.close();
    const before = sha256Of(file);
    expect(errorOf(() => openHistory({ file })).code).toBe('HISTORY_FOREIGN');
    expect(sha256Of(file)).toBe(before);
  });

  it('says so when another process holds the write lock past the busy timeout', () => {
    const file = historyWithOneRun();
    const other = new Database(file);
    other.exec('BEGIN IMMEDIATE');
    try {
      const history = openHistory({ file, busyTimeoutMs: 50 });
      // Readers are not blocked (WAL); a writer is, and is told why.
      expect(history.db.prepare('SELECT count(*) FROM runs').pluck().get()).toBe(1);
      const err = errorOf(() => {
        try {
          storeResult(history.db, syntheticResult({ seed: 2, samples: 5 }), 'local');
        } catch (e) {
          throw historyError(e, file);
        } finally {
          history.close();
        }
      });
      expect(err.code).toBe('HISTORY_LOCKED');
      expect(err.message).toMatch(/locked by another process/);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it.skipIf(process.getuid?.() === 0)('says a read-only history cannot be written (not testable as root)', () => {
    const file = tempHistoryFile();
    openHistory({ file }).close();
    chmodSync(file, 0o444);
    chmodSync(path.dirname(file), 0o555);
    try {
      const err = errorOf(() => {
        const h = openHistory({ file });
        try {
          storeResult(h.db, syntheticResult({ samples: 5 }), 'local');
        } catch (e) {
          throw historyError(e, file);
        } finally {
          h.close();
        }
      });
      expect(err.code).toMatch(/HISTORY_(READONLY|CANNOT_OPEN)/);
    } finally {
      chmodSync(path.dirname(file), 0o755);
    }
  });

  it("turns SQLite's read-only, full and unknown errors into messages, and leaves other errors alone", () => {
    const readonly = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    expect((historyError(readonly, '/h.sqlite') as XlirError).code).toBe('HISTORY_READONLY');
    expect((historyError(readonly, '/h.sqlite') as XlirError).message).toMatch(/\/h\.sqlite cannot be written.*XLIR_HOME/);
    expect((historyError(Object.assign(new Error('full'), { code: 'SQLITE_FULL' }), '/h') as XlirError).code).toBe('HISTORY_FULL');
    const bug = new TypeError('x is undefined');
    expect(historyError(bug, '/h')).toBe(bug);
  });

  it('refuses a folder where the file should be', () => {
    const file = tempHistoryFile();
    mkdirSync(file);
    expect(errorOf(() => openHistory({ file })).code).toBe('HISTORY_CANNOT_OPEN');
  });
});
