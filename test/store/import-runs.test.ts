import { describe, expect, it } from 'vitest';
import { parseReportText } from '../../main/report/import-report.ts';
import { renderJsonReport } from '../../main/report/json-report.ts';
import { importRuns } from '../../main/store/import-runs.ts';
import { machineId } from '../../main/store/machine-identity.ts';
import { listMachines } from '../../main/store/machines.ts';
import { MIGRATIONS } from '../../main/store/migrations.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { splitResultSamples } from '../../main/store/result-samples.ts';
import { listRuns, loadRecordedSeries, loadRun, resolveRunRef } from '../../main/store/run-queries.ts';
import { encodeQuerySamples } from '../../main/store/sample-codec.ts';
import type { LatencySample } from '../../main/engine/latency/latency-sample.ts';
import { deleteRun, storeResult } from '../../main/store/runs.ts';
import { syntheticMachine, syntheticResult } from './synthetic-result.ts';
import { tempHistoryFile } from './temp-history.ts';

const UPPER = 'ABCDEF01-2345-4678-9ABC-DEF012345678';

describe('importing runs from another history', () => {
  it('normalises an uppercase run id, so the run can be opened, exported and deleted', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const [run] = parseReportText(JSON.stringify(syntheticResult({ id: UPPER, samples: 30 })), 'upper.json');
    const [outcome] = importRuns(history.db, [run]);
    expect(outcome.runId).toBe(UPPER.toLowerCase());
    for (const ref of [UPPER, UPPER.toLowerCase(), 'abcdef01', 'ABCDEF01']) expect(resolveRunRef(history.db, ref)).toBe(UPPER.toLowerCase());
    const stored = loadRun(history.db, UPPER.toLowerCase());
    expect(stored.result!.id).toBe(UPPER.toLowerCase());
    expect(stored.result!.models[0].latency.scenario === 'single-stream' && stored.result!.models[0].latency.samples).toHaveLength(30);
    // Imported again with its id in either case: the same run, not a second one.
    expect(importRuns(history.db, [run, { result: { ...run.result, id: UPPER.toLowerCase() } }]).map((o) => o.outcome)).toEqual(['exists', 'exists']);
    deleteRun(history.db, resolveRunRef(history.db, UPPER));
    expect(listRuns(history.db)).toEqual([]);
    history.close();
  });

  it('mends runs an older version imported with an uppercase id', () => {
    // A version-1 history as an older XLIR Bench left it: the run, its model and its samples under "ABCDEF01-…".
    const file = tempHistoryFile();
    const v1 = openHistory({ file, migrations: MIGRATIONS.filter((m) => m.version === 1) });
    const result = syntheticResult({ id: UPPER, samples: 20 });
    const { skeleton, series } = splitResultSamples(result);
    const chunk = encodeQuerySamples(series[0].samples as LatencySample[]);
    v1.db.prepare('INSERT INTO machines (id, label, profile_json, first_seen) VALUES (?, ?, ?, ?)').run(machineId(result.machine), 'lab', JSON.stringify(result.machine), result.startedAt);
    v1.db
      .prepare(
        `INSERT INTO runs (id, machine_id, origin, status, started_at, finished_at, dataset, scenario, config_json, machine_json, result_json, imported_at)
         VALUES (?, ?, 'imported', 'completed', ?, ?, 'xquad-r', 'single-stream', ?, ?, ?, ?)`,
      )
      .run(UPPER, machineId(result.machine), result.startedAt, result.finishedAt, JSON.stringify(result.config), JSON.stringify(result.machine), JSON.stringify(skeleton), result.finishedAt);
    result.models.forEach((m, position) => v1.db.prepare('INSERT INTO run_models (run_id, position, name, samples) VALUES (?, ?, ?, ?)').run(UPPER, position, m.name, position === 0 ? 20 : 0));
    v1.db.prepare('INSERT INTO sample_chunks (run_id, position, batch_size, chunk, count, layout, langs, data) VALUES (?, 0, 0, 0, ?, ?, ?, ?)').run(UPPER, chunk.count, chunk.layout, chunk.langs, chunk.data);
    v1.close();

    const history = openHistory({ file });
    const id = resolveRunRef(history.db, 'abcdef01');
    expect(id).toBe(UPPER.toLowerCase());
    const run = loadRun(history.db, id);
    expect(run.result!.id).toBe(id);
    expect(run.models[0].samples).toBe(20);
    expect(loadRecordedSeries(history.db, id)[0].samples).toStrictEqual(series[0].samples);
    expect(history.db.pragma('foreign_key_check')).toEqual([]);
    history.close();
  });

  it("never overwrites what this machine recorded about itself", () => {
    const history = openHistory({ file: tempHistoryFile() });
    const here = syntheticMachine({ gpuNote: 'no NVIDIA driver', software: { node: '24.1.0', onnxruntime: '1.30.0', v8: '13.6' } });
    storeResult(history.db, syntheticResult({ seed: 1, samples: 10, machine: here }), 'local');
    // A report from a machine with the same host name, CPU, cores and memory, but other software.
    const lookalike = syntheticResult({ seed: 2, samples: 10, machine: { ...here, gpuNote: 'RTX 4090, driver 550', software: { node: '20.0.0', onnxruntime: '1.17.0', v8: '11' } } });
    importRuns(history.db, [{ result: lookalike, label: 'imported label' }]);
    const [machine] = listMachines(history.db);
    expect(machine.id).toBe(machineId(here));
    expect(machine.profile).toEqual(here);
    expect(machine.label).toBe('bench-host');
    // The imported run keeps the profile its report carries.
    expect(loadRun(history.db, lookalike.id).machineProfile.software.node).toBe('20.0.0');
    // A later local run does update the profile: this machine's own facts.
    const upgraded = { ...here, software: { ...here.software, node: '24.2.0' } };
    storeResult(history.db, syntheticResult({ seed: 3, samples: 10, machine: upgraded }), 'local');
    expect(listMachines(history.db)[0].profile.software.node).toBe('24.2.0');
    history.close();
  });

  it('keeps "last" the run this history got last, and flags a report dated in the future', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const before = syntheticResult({ seed: 1, samples: 10, startedAt: new Date(Date.now() - 3600_000).toISOString() });
    storeResult(history.db, before, 'local');
    const future = syntheticResult({ seed: 2, samples: 10, startedAt: '2099-01-01T00:00:00.000Z', machine: { hostname: 'far-away' } });
    const [outcome] = importRuns(history.db, [{ result: future }]);
    expect(outcome.warnings).toEqual([expect.stringMatching(/started 2099-01-01T00:00:00\.000Z, after this history got it .*that date is wrong/)]);
    expect(resolveRunRef(history.db, 'last')).toBe(future.id);
    const after = syntheticResult({ seed: 3, samples: 10, startedAt: new Date().toISOString() });
    storeResult(history.db, after, 'local');
    // The 2099 run stays first in a list by start date, but is no longer "last", and says why its date is wrong.
    expect(resolveRunRef(history.db, 'last')).toBe(after.id);
    const listed = listRuns(history.db);
    expect(listed.map((r) => [r.id, r.dateWarning === null])).toEqual([[future.id, false], [after.id, true], [before.id, true]]);
    expect(loadRun(history.db, future.id).dateWarning).toMatch(/that date is wrong/);
    history.close();
  });

  it('round-trips a json report with an uppercase id to the same lowercase run', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const text = renderJsonReport([{ result: syntheticResult({ id: UPPER, samples: 5 }), machine: { id: '0123456789abcdef', label: 'Lab' } }]);
    expect(importRuns(history.db, parseReportText(text, 'r.json'))[0].runId).toBe(UPPER.toLowerCase());
    history.close();
  });
});
