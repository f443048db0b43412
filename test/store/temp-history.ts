import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A history file path in a fresh temp folder (the file itself does not exist yet). */
export function tempHistoryFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-history-')), 'history.sqlite');
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
