import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { XlirError } from '../engine/errors.ts';
import { historyDatabasePath } from './history-path.ts';
import { HISTORY_APPLICATION_ID, MIGRATIONS, migrate, type Migration } from './migrations.ts';

export type HistoryDb = Database.Database;

export interface History {
  readonly db: HistoryDb;
  readonly file: string;
  close(): void;
}

export interface OpenHistoryOptions {
  /** Default: `history.sqlite` under XLIR_HOME or the platform's application-data folder. */
  file?: string;
  /** How long a write waits for another process's transaction before giving up. */
  busyTimeoutMs?: number;
  /**
   * Check every page before use (\`PRAGMA quick_check\`, about a second per GB): for writers, which
   * must not add to a damaged file. Readers skip it; damage they meet is reported when met.
   */
  verify?: boolean;
  /** For tests of older versions: the migrations this build knows. */
  migrations?: readonly Migration[];
}

const NO_HISTORY_HINT = 'xlir run works without it with --no-history.';

/**
 * Opens (or creates) the run history, brings its schema up to date and turns it to WAL (readers
 * never wait for the recording run). Nothing is written to a file that is not an XLIR Bench
 * history of this or an older version: a newer schema, a foreign SQLite file or a damaged one is
 * refused with a message that says what to do, and left as it was.
 */
export function openHistory(options: OpenHistoryOptions = {}): History {
  const file = path.resolve(options.file ?? historyDatabasePath());
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations[migrations.length - 1].version;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new XlirError('HISTORY_CANNOT_OPEN', `The history database ${file} is a folder, not a file: move it away, or set XLIR_HOME to another folder.`);
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw historyError(err, file);
  }
  let db: HistoryDb | undefined;
  try {
    db = new Database(file, { timeout: busyTimeoutMs });
    // Read-only checks first: a refused file must not even be switched to WAL. One read
    // transaction, so that another process creating the history meanwhile is seen whole or not at all.
    const { version, applicationId, tables } = db.transaction((handle: HistoryDb) => ({
      version: handle.pragma('user_version', { simple: true }) as number,
      applicationId: handle.pragma('application_id', { simple: true }) as number,
      tables: (handle.prepare('SELECT count(*) AS n FROM sqlite_schema').get() as { n: number }).n,
    }))(db);
    if (applicationId !== HISTORY_APPLICATION_ID && (applicationId !== 0 || tables > 0)) {
      throw new XlirError('HISTORY_FOREIGN', `${file} is an SQLite database but not an XLIR Bench history; it was left untouched. Set XLIR_HOME to another folder, or move the file away.`);
    }
    if (version > latest) {
      throw new XlirError('HISTORY_TOO_NEW', `The history database ${file} has schema version ${version}, newer than this XLIR Bench knows (${latest}): it was written by a newer version. Update XLIR Bench; the file was left untouched. ${NO_HISTORY_HINT}`);
    }
    if (version < latest || options.verify) {
      // Before the first write to an existing file: is it whole?
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new XlirError('HISTORY_CORRUPT', corruptMessage(file, check));
    }
    switchToWal(db, busyTimeoutMs);
    db.pragma('synchronous = NORMAL'); // in WAL: a crash of the process loses nothing committed, a power cut at most the last commits
    db.pragma('foreign_keys = ON');
    migrate(db, migrations);
    const opened = db;
    return { db: opened, file, close: () => opened.close() };
  } catch (err) {
    db?.close();
    throw historyError(err, file);
  }
}

const isBusy = (err: unknown) => String((err as { code?: unknown }).code ?? '').startsWith('SQLITE_BUSY');
const sleepMs = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Turns the file to WAL (a lasting property of the file: after the first open there is nothing to
 * do). Converting needs the file to itself, and SQLite does not call the busy handler for it, so
 * processes creating a new history at the same moment would fail here: the conversion is retried,
 * with growing pauses, for as long as any other statement would wait for a lock.
 */
function switchToWal(db: HistoryDb, busyTimeoutMs: number): void {
  const deadline = Date.now() + busyTimeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
    }
    sleepMs(pause);
  }
}

function corruptMessage(file: string, detail: string): string {
  return `The history database ${file} is damaged (${detail.split('\n')[0]}); it was left untouched. Move it away (a new, empty history is then started) or restore it from a backup. ${NO_HISTORY_HINT}`;
}

/** SQLite's and the file system's errors as messages a user can act on; anything else unchanged. */
export function historyError(err: unknown, file: string): unknown {
  if (err instanceof XlirError) return err;
  const code = String((err as { code?: unknown }).code ?? '');
  const message = (err as Error).message ?? String(err);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new XlirError('HISTORY_LOCKED', `The history database ${file} is locked by another process (an xlir run or import still writing?). Try again when it has finished. ${NO_HISTORY_HINT}`, { cause: err });
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new XlirError('HISTORY_READONLY', `The history database ${file} cannot be written (${message}). Make it and its folder writable, or set XLIR_HOME to a writable folder. ${NO_HISTORY_HINT}`, { cause: err });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return new XlirError('HISTORY_CORRUPT', corruptMessage(file, message), { cause: err });
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC') return new XlirError('HISTORY_FULL', `The disk holding ${file} is full: free some space. ${NO_HISTORY_HINT}`, { cause: err });
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_IOERR')) {
    return new XlirError('HISTORY_CANNOT_OPEN', `The history database ${file} cannot be opened (${message}). Check the folder exists and is writable, or set XLIR_HOME to another folder. ${NO_HISTORY_HINT}`, { cause: err });
  }
  return err;
}
