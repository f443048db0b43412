import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { processStartTime } from '../../main/engine/machine/process-identity.ts';
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

/** A process that sleeps until the test ends it. */
function liveProcess() {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  return { pid: child.pid!, end: () => child.kill('SIGKILL') };
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

    const killed = startRecording(history.db, { config, machine, process: { pid: deadPid(), startTime: null } });
    expect(loadRun(history.db, killed.runId).state).toBe('incomplete');
    deleteRun(history.db, killed.runId);
    expect(listRuns(history.db).map((r) => r.id)).toEqual([live.runId]);

    live.fail('stopped by the test');
    deleteRun(history.db, live.runId);
    expect(listRuns(history.db)).toEqual([]);
    history.close();
  });

  it.runIf(process.platform === 'linux')('takes a run whose process id now belongs to another process for the orphan it is, and deletes it', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const { config, machine } = syntheticResult();
    // The recording process was killed, and its id went to a process started later.
    const other = liveProcess();
    try {
      const [boot] = processStartTime(other.pid)!.split(':');
      const orphan = startRecording(history.db, { config, machine, process: { pid: other.pid, startTime: `${boot}:1` } });
      expect(loadRun(history.db, orphan.runId).state).toBe('incomplete');
      expect(listRuns(history.db)[0].state).toBe('incomplete');
      deleteRun(history.db, orphan.runId);
      expect(listRuns(history.db)).toEqual([]);
    } finally {
      other.end();
      history.close();
    }
  });

  it('clears, when told to, a run whose process cannot be told from a live one, and says how', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const { config, machine } = syntheticResult();
    // A history written where start times are not known (another system, an older version): only the pid.
    const other = liveProcess();
    try {
      const stuck = startRecording(history.db, { config, machine, process: { pid: other.pid, startTime: null } });
      expect(loadRun(history.db, stuck.runId).state).toBe('running');
      expect(() => deleteRun(history.db, stuck.runId)).toThrow(
        expect.objectContaining({ code: 'RUN_IN_PROGRESS', message: expect.stringMatching(new RegExp(`process ${other.pid}.*not that run.*xlir delete --force ${stuck.runId.slice(0, 8)}`)) }),
      );
      deleteRun(history.db, stuck.runId, { force: true });
      expect(listRuns(history.db)).toEqual([]);
    } finally {
      other.end();
      history.close();
    }
  });
});
