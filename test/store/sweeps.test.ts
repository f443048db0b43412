import { describe, expect, it } from 'vitest';
import { loadReportRuns } from '../../main/store/history-access.ts';
import { machineId } from '../../main/store/machine-identity.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { storeResult } from '../../main/store/runs.ts';
import { listSweeps, storeSweep } from '../../main/store/sweeps.ts';
import { syntheticMachine, syntheticResult } from './synthetic-result.ts';
import { syntheticSweep } from './synthetic-sweep.ts';
import { tempHistoryFile } from './temp-history.ts';

describe('sweeps in the history', () => {
  it('keeps each under its machine, lists them newest first, filtered by machine and model', () => {
    const history = openHistory({ file: tempHistoryFile() });
    try {
      const here = syntheticSweep({ startedAt: '2026-01-02T00:00:00.000Z' });
      const later = syntheticSweep({ model: 'synthetic-hybrid', startedAt: '2026-01-03T00:00:00.000Z' });
      const elsewhere = syntheticSweep({ machine: { hostname: 'other-host' } });
      const ids = [here, later, elsewhere].map((s) => storeSweep(history.db, s));
      expect(new Set(ids).size).toBe(3);
      const mine = machineId(syntheticMachine());
      expect(listSweeps(history.db).map((s) => s.result.model.name)).toEqual(['synthetic-hybrid', 'synthetic-baseline', 'synthetic-baseline']);
      expect(listSweeps(history.db, { machineId: mine }).map((s) => [s.id, s.machine])).toEqual([[ids[1], { id: mine, label: 'bench-host' }], [ids[0], { id: mine, label: 'bench-host' }]]);
      expect(listSweeps(history.db, { machineId: mine, models: ['synthetic-baseline'] }).map((s) => s.result)).toEqual([here]);
      expect(listSweeps(history.db, { models: [] })).toEqual([]);
    } finally {
      history.close();
    }
  });

  it('come with a report run: the sweeps of its models on its machine', () => {
    const history = openHistory({ file: tempHistoryFile() });
    try {
      const run = syntheticResult({ ceilings: { peakGflops: 100, bandwidthGBs: 20 } });
      storeResult(history.db, run, 'local');
      const sweep = syntheticSweep();
      storeSweep(history.db, sweep);
      storeSweep(history.db, syntheticSweep({ model: 'another-model' }));
      storeSweep(history.db, syntheticSweep({ machine: { hostname: 'other-host' } }));
      const [loaded] = loadReportRuns(history.db, [run.id], 'report');
      expect(loaded.sweeps?.map((s) => s.result)).toEqual([sweep]);
    } finally {
      history.close();
    }
  });
});
