import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../main/store/migrations.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { raceCliHistory, startHistoryOpeners, type HistoryOpeners } from './history-race.ts';
import { tempHistoryFile } from './temp-history.ts';

const PROCESSES = 4;

describe('several processes creating one new history at once', () => {
  let openers: HistoryOpeners;
  beforeAll(async () => {
    openers = await startHistoryOpeners(PROCESSES);
  });
  afterAll(() => openers.close());

  it(`all succeed: ${PROCESSES} processes × 20 brand-new files, 0 failures, one whole schema each`, async () => {
    const failures: string[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const file = tempHistoryFile();
      failures.push(...(await openers.race(file)).filter((a) => a !== 'ok').map((a) => `trial ${trial}: ${a}`));
      const history = openHistory({ file });
      expect(history.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(history.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(history.db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get()).toBe(5); // machines, runs, run_models, sample_chunks, sweeps
      history.close();
    }
    expect(failures).toEqual([]);
  });

  it(`all succeed through the CLI: "xlir history" ${PROCESSES} times at once on a new XLIR_HOME`, async () => {
    // Fewer trials than above (each CLI start costs a second of CPU); bench/history-race.ts runs 20.
    const failures: string[] = [];
    for (let trial = 0; trial < 5; trial++) failures.push(...(await raceCliHistory(PROCESSES)).filter((a) => a !== 'ok'));
    expect(failures).toEqual([]);
  });
});
