import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openHistory } from '../../main/store/open-history.ts';
import { listRuns, type RunListing } from '../../main/store/run-queries.ts';

/** A history file path in a fresh temp folder (the file itself does not exist yet). */
export function tempHistoryFile(): string {
  return path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-history-')), 'history.sqlite');
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Polls the history at `file` (written by another process, e.g. an `xlir run` a test started)
 * until `ready` holds for its runs; false if it did not within `timeoutMs`.
 */
export async function waitForHistory(file: string, ready: (runs: RunListing[]) => boolean, timeoutMs = 90_000): Promise<boolean> {
  for (let waited = 0; waited < timeoutMs; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!existsSync(file)) continue;
    const history = openHistory({ file });
    try {
      if (ready(listRuns(history.db))) return true;
    } finally {
      history.close();
    }
  }
  return false;
}
