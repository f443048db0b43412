import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LatencySample } from '../../main/engine/latency/latency-sample.ts';
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import type { RunEvent } from '../../main/engine/run/run-events.ts';
import { machineId } from '../../main/store/machine-identity.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { startRecording } from '../../main/store/run-recorder.ts';
import { listRuns, loadRecordedSeries, loadRun, resolveRunRef } from '../../main/store/run-queries.ts';
import { storeResult } from '../../main/store/runs.ts';
import { syntheticMachine, syntheticResult } from './synthetic-result.ts';
import { tempHistoryFile } from './temp-history.ts';

/** The latency events a run would emit for `result`: its samples in batches, models alternating. */
function eventsOf(models: { name: string; samples: LatencySample[] }[], batch: number): RunEvent[] {
  const events: RunEvent[] = [];
  for (let start = 0; start < Math.max(...models.map((m) => m.samples.length)); start += batch) {
    for (const m of models) {
      const samples = m.samples.slice(start, start + batch);
      if (samples.length > 0) events.push({ type: 'latency', model: m.name, scenario: 'single-stream', phase: 'measure', samples, progress: { done: start, target: 0, elapsedMs: 0, etaMs: null }, live: null });
    }
  }
  return events;
}

describe('recording a run into the history', () => {
  it('streams samples while the run goes, then keeps exactly the finished result', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const result = syntheticResult({ samples: 700 });
    const recorder = startRecording(history.db, { config: result.config, machine: result.machine });
    const models = result.models.map((m) => ({ name: m.name, samples: m.latency.scenario === 'offline' ? [] : m.latency.samples }));
    const warmup: RunEvent = { type: 'latency', model: models[0].name, scenario: 'single-stream', phase: 'warmup', samples: models[0].samples.slice(0, 3), progress: { done: 3, target: 3, elapsedMs: 0, etaMs: null }, live: null };
    recorder.record(warmup);
    for (const e of eventsOf(models, 250)) recorder.record(e);

    const during = loadRun(history.db, recorder.runId);
    expect(during.state).toBe('running');
    expect(during.result).toBeNull();
    expect(during.models.map((m) => [m.name, m.samples])).toEqual([[models[0].name, 700], [models[1].name, 700]]);
    expect(loadRecordedSeries(history.db, recorder.runId)[1].samples).toStrictEqual(models[1].samples);

    const stored = recorder.complete(result);
    expect(stored.id).toBe(recorder.runId);
    const after = loadRun(history.db, recorder.runId);
    expect(after.state).toBe('completed');
    expect(after.machine.id).toBe(machineId(result.machine));
    expect(after.result).toStrictEqual(stored);
    // The streamed chunks were replaced by the result's: no sample counted twice.
    expect(after.models.map((m) => m.samples)).toEqual([700, 700]);
    history.close();
  });

  it('keeps each model\'s quality and the lexical floor as soon as they are measured, before the run ends', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const result = syntheticResult({ samples: 60, models: ['replica-x', 'base', 'hyb'], mapShift: [0, 0, 0.05] });
    const recorder = startRecording(history.db, { config: result.config, machine: result.machine });
    const [replica, base, hyb] = result.models;
    const floor = { ...base.quality!, multilingual: { ...base.quality!.multilingual, map: 0.123 } };
    recorder.record({ type: 'quality-done', model: 'TF-IDF (char 3-grams)', lexicalFloor: true, quality: floor });
    // Models are announced in configuration order as their pool is encoded; a replica has no quality.
    for (const m of result.models) recorder.record({ type: 'phase', phase: 'encode-candidates', model: m.name });
    recorder.record({ type: 'quality-done', model: base.name, quality: base.quality! });
    recorder.record({ type: 'quality-done', model: hyb.name, quality: hyb.quality! });
    // The run is killed here, in the latency phase: nothing more reaches the history.
    const samples = base.latency.scenario === 'offline' ? [] : base.latency.samples;
    for (const e of eventsOf([{ name: base.name, samples }], 30)) recorder.record(e);

    const run = loadRun(history.db, recorder.runId);
    expect(run.result).toBeNull();
    expect(run.lexicalFloor).toStrictEqual(floor);
    expect(run.models.map((m) => [m.name, m.samples, m.quality])).toEqual([
      [replica.name, 0, null],
      [base.name, 60, base.quality],
      [hyb.name, 0, hyb.quality],
    ]);
    expect(listRuns(history.db)[0].models.map((m) => m.mapMultilingual)).toEqual([null, base.quality!.multilingual.map, hyb.quality!.multilingual.map]);

    // Finishing replaces the partial record with the result's, which says the same.
    recorder.complete(result);
    const done = loadRun(history.db, recorder.runId);
    expect(done.models.map((m) => m.quality)).toEqual(result.models.map((m) => m.quality));
    expect(done.lexicalFloor).toStrictEqual(result.lexicalFloor);
    history.close();
  });

  it('keeps what a failed run measured, marked failed with the error', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const result = syntheticResult({ samples: 40 });
    const recorder = startRecording(history.db, { config: result.config, machine: result.machine });
    const samples = result.models[0].latency.scenario === 'offline' ? [] : result.models[0].latency.samples;
    for (const e of eventsOf([{ name: 'only', samples }], 25)) recorder.record(e);
    recorder.fail('while benchmarking only: out of memory');
    const run = loadRun(history.db, recorder.runId);
    expect(run).toMatchObject({ state: 'failed', error: 'while benchmarking only: out of memory', result: null });
    expect(loadRecordedSeries(history.db, recorder.runId)[0].samples).toHaveLength(40);
    history.close();
  });

  it('leaves a run killed mid-way incomplete, with every committed sample, in a sound file', async () => {
    const file = tempHistoryFile();
    openHistory({ file }).close();
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'record-until-killed.ts'), file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let runId = '';
    let committed = 0;
    await new Promise<void>((resolve, reject) => {
      let buffered = '';
      child.stdout.on('data', (data: Buffer) => {
        buffered += data.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines) {
          if (line.startsWith('run ')) runId = line.slice(4);
          if (line.startsWith('committed ')) committed = Number(line.slice(10));
        }
        if (committed >= 500 && child.pid) {
          process.kill(child.pid, 'SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => (committed >= 500 ? resolve() : reject(new Error(`recorder exited early (${code})`))));
    });
    await new Promise((resolve) => child.on('close', resolve));

    const history = openHistory({ file, verify: true }); // quick_check: the kill left no damage
    const run = loadRun(history.db, runId);
    expect(run.state).toBe('incomplete');
    expect(run.status).toBe('running');
    const series = loadRecordedSeries(history.db, runId);
    expect(series.map((s) => s.model)).toEqual(['a', 'b']);
    const total = series.reduce((n, s) => n + s.samples.length, 0);
    // Everything reported committed is there; at most the batch in flight beyond it.
    expect(total).toBeGreaterThanOrEqual(committed);
    expect(total).toBeLessThanOrEqual(committed + 50);
    for (const s of series) expect(s.samples.map((x) => x.seq)).toEqual(s.samples.map((_, i) => i));
    expect(listRuns(history.db)[0]).toMatchObject({ id: runId, state: 'incomplete' });
    history.close();
  });

  it('lists runs newest first, filtered by machine, model and dataset, and finds them by id prefix', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const laptop = { hostname: 'laptop' };
    const desktop = { hostname: 'desktop', cpu: { model: 'Big CPU', logicalCores: 32, physicalCores: 16, flags: [] } };
    storeResult(history.db, syntheticResult({ seed: 1, samples: 10, machine: laptop, startedAt: '2026-01-01T00:00:00Z', models: ['e5-small', 'e5-small-hybrid'] }), 'local');
    storeResult(history.db, syntheticResult({ seed: 2, samples: 10, machine: desktop, startedAt: '2026-01-02T00:00:00Z', models: ['labse'] }), 'imported');
    storeResult(history.db, syntheticResult({ seed: 3, samples: 10, machine: laptop, startedAt: '2026-01-03T00:00:00Z', models: ['labse'], scenario: 'offline' }), 'local');
    const ids = (runs: { id: string }[]) => runs.map((r) => r.id.slice(-1));
    expect(ids(listRuns(history.db))).toEqual(['3', '2', '1']);
    expect(ids(listRuns(history.db, { machine: 'LAPTOP' }))).toEqual(['3', '1']);
    expect(ids(listRuns(history.db, { machine: machineId(syntheticMachine(desktop)).slice(0, 6) }))).toEqual(['2']);
    expect(ids(listRuns(history.db, { model: 'hybrid' }))).toEqual(['1']);
    expect(ids(listRuns(history.db, { model: 'LaBSE', limit: 1 }))).toEqual(['3']);
    expect(ids(listRuns(history.db, { dataset: 'mlqa-r' }))).toEqual([]);
    const [offline, imported] = listRuns(history.db);
    expect(imported.origin).toBe('imported');
    expect(offline.models[0]).toMatchObject({ name: 'labse', samples: 10 + 1, provider: 'cpu' });
    expect(offline.models[0].throughputQps).toBeGreaterThan(0);

    expect(resolveRunRef(history.db, '00000000-0000-4000-8000-000000000002')).toMatch(/2$/);
    // `last` is the run this history got last: run 2, imported after run 3 was recorded.
    expect(resolveRunRef(history.db, 'last')).toMatch(/2$/);
    expect(() => resolveRunRef(history.db, '0000')).toThrow(/matches several runs/);
    expect(() => resolveRunRef(history.db, 'ffff')).toThrow(/No run "ffff"/);
    expect(() => resolveRunRef(history.db, "x' OR 1=1")).toThrow(/not a run id/);
    history.close();
  });

  it('stores every scenario so that reading it back gives the same result', () => {
    const history = openHistory({ file: tempHistoryFile() });
    for (const [i, scenario] of (['single-stream', 'server', 'offline'] as const).entries()) {
      const result = syntheticResult({ seed: 10 + i, scenario, samples: 5000 });
      storeResult(history.db, result, 'local');
      expect(loadRun(history.db, result.id).result).toStrictEqual(result);
    }
    history.close();
  });

  it('shows a recording whose process is gone as incomplete', () => {
    const history = openHistory({ file: tempHistoryFile() });
    const recorder = startRecording(history.db, { config: RunConfigSchema.parse({ models: ['/m'] }), machine: syntheticMachine(), process: { pid: 2 ** 22 + 12345, startTime: null } });
    expect(loadRun(history.db, recorder.runId)).toMatchObject({ state: 'incomplete', models: [], result: null });
    history.close();
  });
});
