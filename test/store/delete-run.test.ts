import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { listMachines } from '../../main/store/machines.ts';
import { openHistory, type HistoryDb } from '../../main/store/open-history.ts';
import { startRecording } from '../../main/store/run-recorder.ts';
import { listRuns, loadRun } from '../../main/store/run-queries.ts';
import { deleteRun, storeResult } from '../../main/store/runs.ts';
import { syntheticResult } from './synthetic-result.ts';
import { tempHistoryFile } from './temp-history.ts';

function rowsOf(db: HistoryDb, table: 'run_models' | 'sample_chunks', runId: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table} WHERE run_id = ?`).get(runId) as { n: number }).n;
}

/** The id of a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('deleting a run from the history', () => {
  it('removes the run, its models and its samples, and leaves the other runs and the machine', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const kept = syntheticResult({ seed: 1, samples: 300 });
    const gone = syntheticResult({ seed: 2, samples: 300 });
    storeResult(history.db, kept, 'local');
    storeResult(history.db, gone, 'local');
    expect(rowsOf(history.db, 'sample_chunks', gone.id)).toBeGreaterThan(0);

    deleteRun(history.db, gone.id);
    expect(listRuns(history.db).map((r) => r.id)).toEqual([kept.id]);
    expect(rowsOf(history.db, 'run_models', gone.id)).toBe(0);
    expect(rowsOf(history.db, 'sample_chunks', gone.id)).toBe(0);
    expect(loadRun(history.db, kept.id).result).toStrictEqual(kept);
    expect(listMachines(history.db)).toHaveLength(1);
    expect(() => deleteRun(history.db, gone.id)).toThrow(expect.objectContaining({ code: 'RUN_NOT_FOUND' }));
    history.close();
  });

  it('refuses a run whose recording process is alive, and removes one whose process is gone', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const { config, machine } = syntheticResult();
    const live = startRecording(history.db, { config, machine });
    expect(() => deleteRun(history.db, live.runId)).toThrow(expect.objectContaining({ code: 'RUN_IN_PROGRESS' }));
    expect(loadRun(history.db, live.runId).state).toBe('running');

    const killed = startRecording(history.db, { config, machine, pid: deadPid() });
    expect(loadRun(history.db, killed.runId).state).toBe('incomplete');
    deleteRun(history.db, killed.runId);
    expect(listRuns(history.db).map((r) => r.id)).toEqual([live.runId]);

    live.fail('stopped by the test');
    deleteRun(history.db, live.runId);
    expect(listRuns(history.db)).toEqual([]);
    history.close();
  });
});
