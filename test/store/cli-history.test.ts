import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { captureMachineProfile } from '../../main/engine/machine/machine-profile.ts';
import { CEILINGS_CACHE_FILE, ceilingsKey } from '../../main/engine/roofline/ceilings-cache.ts';
import { RunResultSchema } from '../../main/engine/run/run-result.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { listRuns, type RunListing } from '../../main/store/run-queries.ts';
import { dataDir, repoRoot, tinyModelCopy } from '../run/fixtures.ts';
import { startRecording } from '../../main/store/run-recorder.ts';
import { storeResult } from '../../main/store/runs.ts';
import { syntheticResult } from './synthetic-result.ts';
import { sha256Of, waitForHistory } from './temp-history.ts';
import { fakeBandwidth, fakePeak } from '../roofline/fake-ceilings.ts';
import { runCli } from '../cli/run-cli.ts';

const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');
const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `xlir-${name}-`));

/** The real CLI with its own XLIR_HOME. */
const cli = (home: string, args: string[], env: Record<string, string> = {}) => runCli(args, { XLIR_HOME: home, ...env });

const quick = ['--data-dir', dataDir, '--langs', 'en,de', '--max-queries', '4', '--warmup', '1', '--min-queries', '30', '--min-duration', '0', '--bootstrap', '100', '--no-lexical-floor', '--no-roofline'];

describe('history, export, import and compare through the CLI', () => {
  const baseline = tinyModelCopy({ name: 'tiny-base', checkpoint: 'baseline' });
  const hybrid = tinyModelCopy({ name: 'tiny-hyb', checkpoint: 'hybrid' });

  it('keeps a run, exports it, and shows and compares it on another history under its own machine', async () => {
    const homeA = tmp('home-a');
    const out = tmp('out');
    const run = await cli(homeA, ['run', '--model', baseline, '--model', hybrid, ...quick, '--json', path.join(out, 'run.json')]);
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(readFileSync(path.join(out, 'run.json'), 'utf8')));
    expect(run.stdout).toContain(`Saved in the history as ${result.id.slice(0, 8)}`);

    const listed = JSON.parse((await cli(homeA, ['history', '--json'])).stdout) as RunListing[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: result.id, state: 'completed', origin: 'local', dataset: 'xquad-r', languages: ['en', 'de'] });
    expect(listed[0].models.map((m) => [m.name, m.samples])).toEqual([['tiny-base', result.models[0].latency.scenario === 'offline' ? 0 : result.models[0].latency.samples.length], ['tiny-hyb', expect.any(Number)]]);
    const machineA = listed[0].machine;

    const table = await cli(homeA, ['history', '--model', 'hyb']);
    expect(table.stdout).toMatch(new RegExp(`${result.id.slice(0, 8)}.*completed.*tiny-base`));
    const show = await cli(homeA, ['show', result.id.slice(0, 8)]);
    expect(show.stdout).toContain(`Run ${result.id}: completed`);
    expect(show.stdout).toMatch(/mAP monolingual \(2 pairs\)/);

    for (const file of ['r.html', 'r.json', 'r.csv', 'r.md']) {
      const e = await cli(homeA, ['export', result.id.slice(0, 8), '--out', path.join(out, file)]);
      expect(e.code).toBe(0);
    }
    const page = readFileSync(path.join(out, 'r.html'), 'utf8');
    expect(page).toContain('Content-Security-Policy');
    expect(page.match(/<svg /g)!.length).toBeGreaterThanOrEqual(5);
    const csv = readFileSync(path.join(out, 'r.csv'), 'utf8').trimEnd().split('\r\n');
    expect(csv).toHaveLength(1 + listed[0].models.reduce((n, m) => n + m.samples, 0));
    expect(readFileSync(path.join(out, 'r.md'), 'utf8')).toContain('### tiny-hyb vs tiny-base');

    // Another history (another machine's): the run comes in under the machine it ran on.
    const homeB = tmp('home-b');
    const imported = await cli(homeB, ['import', path.join(out, 'r.json')]);
    expect(imported.stdout).toContain(`imported run ${result.id.slice(0, 8)}`);
    expect((await cli(homeB, ['import', path.join(out, 'r.json')])).stdout).toContain('already in the history, skipped');
    const listedB = JSON.parse((await cli(homeB, ['history', '--json'])).stdout) as RunListing[];
    expect(listedB).toEqual([{ ...listed[0], origin: 'imported', recordedAt: expect.any(String) }]);
    expect(listedB[0].machine).toEqual(machineA);
    // The same run read back from the second history gives the same figures.
    const again = await cli(homeB, ['export', result.id, '--format', 'json', '--out', '-']);
    expect(JSON.parse(again.stdout).runs[0].result).toEqual(RunResultSchema.parse({ ...result }));

    // A colleague's machine: the same report, another host and a slower trace.
    const colleague = JSON.parse(readFileSync(path.join(out, 'r.json'), 'utf8'));
    const theirs = colleague.runs[0];
    theirs.machine.label = 'Colleague box';
    theirs.result.id = '0c011ea9-0000-4000-8000-000000000001';
    theirs.result.machine.hostname = 'colleague-pc';
    for (const m of theirs.result.models) for (const s of m.latency.samples) s.totalMs *= 3;
    writeFileSync(path.join(out, 'colleague.json'), JSON.stringify(colleague));
    expect((await cli(homeB, ['import', path.join(out, 'colleague.json')])).code).toBe(0);
    const machines = JSON.parse((await cli(homeB, ['machines', '--json'])).stdout) as { id: string; label: string }[];
    expect(machines.map((m) => m.label).sort()).toEqual(['Colleague box', machineA.label].sort());
    const other = machines.find((m) => m.label === 'Colleague box')!;
    expect(other.id).not.toBe(machineA.id);
    expect((await cli(homeB, ['history', '--machine', 'colleague'])).stdout).toContain('0c011ea9');

    const compare = await cli(homeB, ['compare', result.id.slice(0, 8), '0c011ea9', '--resamples', '200']);
    expect(compare.code).toBe(0);
    expect(compare.stdout).toMatch(/tiny-base \(single-stream\)/);
    expect(compare.stdout).toMatch(/Colleague box/);
    expect(compare.stdout).toMatch(/slower, beyond noise/);
    const compareJson = JSON.parse((await cli(homeB, ['compare', `${result.id.slice(0, 8)}:tiny-hyb`, '0c011ea9:tiny-hyb', '--json'])).stdout);
    expect(compareJson.groups[0].entries.map((e: { machine: { id: string } }) => e.machine.id)).toEqual([machineA.id, other.id]);
    expect(compareJson.groups[0].entries[1].vsReference.ratios.p50).toBeCloseTo(3, 6);

    const renamed = await cli(homeB, ['machines', 'label', other.id.slice(0, 6), 'Lab box (RTX)']);
    expect(renamed.stdout).toContain('now labelled "Lab box (RTX)"');
  });

  it('compares two machines (a second history at another thread count) each against its own ceilings, and plots a sweep with its run', async () => {
    const [homeA, homeB, out] = [tmp('home-1-thread'), tmp('home-2-threads'), tmp('out-machines')];
    // Ceilings already measured at both thread counts (their measurement is tested in test/roofline and test/run).
    const cache = tmp('cache-ceilings');
    const machine = await captureMachineProfile();
    const entries = [1, 2].map((threads) => ({ key: ceilingsKey(machine, 'cpu', threads), peak: fakePeak(100 * threads, { threads }), bandwidth: fakeBandwidth(20 * threads, { threads }) }));
    writeFileSync(path.join(cache, CEILINGS_CACHE_FILE), JSON.stringify({ version: 1, entries }));
    const env = { XLIR_CACHE_DIR: cache };
    const withRoofline = [...quick.filter((a) => a !== '--no-roofline'), '--no-quality'];
    const one = await cli(homeA, ['run', '--model', baseline, ...withRoofline, '--threads', '1', '--json', path.join(out, 'one.json')], env);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/Roofline, tiny-base: .* FLOP\/byte/);
    expect(one.stdout).toMatch(/ceilings: peak 100\.0 GFLOP\/s fp32 .*; read bandwidth 20\.0 GB\/s .*: cpu, 1 thread, cached from/);
    expect(one.stdout).toMatch(/ {4}1 .*(memory|compute)-bound +[\d.]+% +[\d.]+%/);
    expect(one.stdout).toMatch(/Where a graph run goes \(ONNX Runtime profiler, separate session\)/);
    const two = await cli(homeB, ['run', '--model', baseline, ...withRoofline, '--threads', '2', '--json', path.join(out, 'two.json')], env);
    expect(two.code).toBe(0);
    const [idOne, idTwo] = ['one.json', 'two.json'].map((f) => (JSON.parse(readFileSync(path.join(out, f), 'utf8')) as { id: string }).id.slice(0, 8));
    expect((await cli(homeB, ['export', idTwo, '--format', 'json', '--out', path.join(out, 'two-report.json')])).code).toBe(0);
    expect((await cli(homeA, ['import', path.join(out, 'two-report.json')])).code).toBe(0);

    const compared = await cli(homeA, ['compare', idOne, idTwo, '--resamples', '200']);
    expect(compared.code).toBe(0);
    expect(compared.stdout).toContain("Machines × models, each against its own machine's ceilings");
    const rows = compared.stdout.split('\n').filter((line) => /^\S.*, cpu, [12] threads? \(/.test(line));
    expect(rows.map((r) => /cpu, (\d) thread/.exec(r)![1])).toEqual(['1', '2']);
    expect(rows.map((r) => /([\d.]+ GFLOP\/s, [\d.]+ GB\/s) +tiny-base/.exec(r)?.[1])).toEqual(['100.0 GFLOP/s, 20.0 GB/s', '200.0 GFLOP/s, 40.0 GB/s']);

    const sweep = await cli(homeA, ['sweep', '--model', baseline, '--threads', '1', '--batch-sizes', '1,4', '--tokens', '8,32', '--rounds', '1', '--runs', '2', '--warmup', '1'], env);
    expect(sweep.code).toBe(0);
    expect(sweep.stdout).toMatch(/ceilings on cpu, 1 thread: peak 100\.0 GFLOP\/s, read bandwidth 20\.0 GB\/s, so memory-bound below 5\.00 FLOP\/byte/);
    expect(sweep.stdout).toMatch(/Saved in the history/);
    expect((await cli(homeA, ['export', idOne, '--out', path.join(out, 'one.html')])).code).toBe(0);
    const page = readFileSync(path.join(out, 'one.html'), 'utf8');
    // The run's points and the sweep's 2 × 2 grid (open squares) under the one set of 1-thread ceilings.
    expect(page).toMatch(/<figure class="chart roofline" data-points="\d+" data-ceilings="1">/);
    expect(page.match(/<rect [^>]*fill="none" stroke="#/g)).toHaveLength(4);
    expect(page).toContain('with 1 sweep of the same model on this machine');
    expect((await cli(homeA, ['export', idOne, idTwo, '--out', path.join(out, 'both.html')])).code).toBe(0);
    expect(readFileSync(path.join(out, 'both.html'), 'utf8')).toMatch(/<h3>Machines × models<\/h3>[\s\S]*data-ceilings="2"/);
  });

  it('leaves a killed xlir run in the history as incomplete, with the samples it measured', async () => {
    const home = tmp('home-killed');
    const child = spawn(process.execPath, [xlir, 'run', '--model', baseline, ...quick, '--no-quality', '--min-queries', '1000000', '--min-duration', '600'], { env: { ...process.env, XLIR_HOME: home }, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    let recorded = 0;
    let measured = false;
    // Whatever happens while waiting, the child (set to run for ten minutes) does not outlive the test.
    try {
      measured = await waitForHistory(path.join(home, 'history.sqlite'), (runs) => (recorded = runs[0]?.models[0]?.samples ?? 0) >= 200, 60_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(measured).toBe(true);

    const listed = JSON.parse((await cli(home, ['history', '--json'])).stdout) as RunListing[];
    expect(listed).toHaveLength(1);
    expect(listed[0].state).toBe('incomplete');
    expect(listed[0].models[0].samples).toBeGreaterThanOrEqual(recorded);
    const show = await cli(home, ['show', 'last']);
    expect(show.stdout).toMatch(/incomplete/);
    expect(show.stdout).toMatch(/stopped without finishing/);
    expect(show.stdout).toMatch(new RegExp(`tiny-base\\s+-\\s+${listed[0].models[0].samples}\\s`));
    const csv = await cli(home, ['export', 'last', '--format', 'csv', '--out', '-']);
    expect(csv.stdout.trimEnd().split('\r\n')).toHaveLength(1 + listed[0].models[0].samples);
    expect((await cli(home, ['export', 'last', '--out', path.join(home, 'r.html')])).stderr).toMatch(/is incomplete: it has no result/);
  });

  it('keeps the quality a killed run measured: kill -9 in its latency phase leaves every mAP', async () => {
    const home = tmp('home-killed-quality');
    const child = spawn(process.execPath, [xlir, 'run', '--model', baseline, ...quick.filter((a) => a !== '--no-lexical-floor'), '--min-queries', '1000000', '--min-duration', '600'], { env: { ...process.env, XLIR_HOME: home }, stdio: 'ignore' });
    const latencyStarted = await waitForHistory(path.join(home, 'history.sqlite'), (runs) => (runs[0]?.models ?? []).some((m) => m.samples > 0));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    expect(latencyStarted).toBe(true);

    const [run] = JSON.parse((await cli(home, ['history', '--json'])).stdout) as RunListing[];
    expect(run.state).toBe('incomplete');
    expect(run.models.map((m) => m.name)).toEqual(['tiny-base']);
    expect(run.models[0].mapMultilingual).toBeGreaterThan(0);
    const show = await cli(home, ['show', 'last']);
    expect(show.stdout).toMatch(/Retrieval quality measured before the run stopped/);
    expect(show.stdout).toMatch(/Retrieval quality\s+TF-IDF floor\s+tiny-base/);
    expect(show.stdout).toMatch(new RegExp(`mAP multilingual\\s+\\d\\.\\d{3}\\s+${run.models[0].mapMultilingual!.toFixed(3)}`));
  });

  it('keeps nothing with --no-history', async () => {
    const home = tmp('home-none');
    expect((await cli(home, ['run', '--model', baseline, ...quick, '--no-quality', '--no-history'])).code).toBe(0);
    expect(JSON.parse((await cli(home, ['history', '--json'])).stdout)).toEqual([]);
  });

  it('says what is wrong with a damaged or newer history, and leaves it alone', async () => {
    const damaged = tmp('home-damaged');
    writeFileSync(path.join(damaged, 'history.sqlite'), 'not a database at all'.repeat(300));
    const before = sha256Of(path.join(damaged, 'history.sqlite'));
    const r = await cli(damaged, ['history']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/history\.sqlite is damaged.*left untouched/);
    const run = await cli(damaged, ['run', '--model', baseline, ...quick]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/--no-history/);
    expect(sha256Of(path.join(damaged, 'history.sqlite'))).toBe(before);

    const newer = tmp('home-newer');
    const db = new Database(path.join(newer, 'history.sqlite'));
    db.pragma('application_id = 1481394514');
    db.pragma('user_version = 99');
    db.close();
    const n = await cli(newer, ['history']);
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(/schema version 99, newer than this XLIR Bench knows/);
  });

  it('deletes runs by id, and deletes none when one of the ids is unknown', async () => {
    const home = tmp('home-delete');
    const runs = [syntheticResult({ seed: 1, samples: 50 }), syntheticResult({ seed: 2, samples: 50 })];
    const history = openHistory({ file: path.join(home, 'history.sqlite') });
    for (const r of runs) storeResult(history.db, r, 'local');
    history.close();

    const typo = await cli(home, ['delete', runs[0].id, 'ffffffff']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/No run "ffffffff"/);
    expect(JSON.parse((await cli(home, ['history', '--json'])).stdout)).toHaveLength(2);

    const deleted = await cli(home, ['delete', runs[0].id]);
    expect(deleted.stdout).toBe(`Deleted run ${runs[0].id}\n`);
    expect((JSON.parse((await cli(home, ['history', '--json'])).stdout) as RunListing[]).map((r) => r.id)).toEqual([runs[1].id]);
    expect((await cli(home, ['delete'])).code).toBe(2);
  });

  it('deletes an orphan run, and with --force one whose process cannot be told from a live one', async () => {
    const home = tmp('home-orphan');
    const { config, machine } = syntheticResult();
    const history = openHistory({ file: path.join(home, 'history.sqlite') });
    const killed = startRecording(history.db, { config, machine, process: { pid: spawnSync(process.execPath, ['-e', '']).pid!, startTime: null } });
    // An older history's row (no start time) whose pid now belongs to a live process: this test's.
    const stuck = startRecording(history.db, { config, machine, process: { pid: process.pid, startTime: null } });
    history.close();

    const orphan = await cli(home, ['delete', killed.runId.slice(0, 8)]);
    expect(orphan.stdout).toBe(`Deleted run ${killed.runId} (incomplete: its recording process had stopped)\n`);
    const refused = await cli(home, ['delete', stuck.runId.slice(0, 8)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`still being recorded by process ${process.pid}.*"xlir delete --force ${stuck.runId.slice(0, 8)}" removes it`));
    expect((await cli(home, ['delete', '--force', stuck.runId.slice(0, 8)])).stdout).toBe(`Deleted run ${stuck.runId}\n`);
    expect(JSON.parse((await cli(home, ['history', '--json'])).stdout)).toEqual([]);
  });

  it('exports with --redact for sharing, and warns of an imported report dated in the future', async () => {
    const home = tmp('home-redact');
    const out = tmp('out-redact');
    const mine = syntheticResult({ seed: 7, samples: 20, machine: { hostname: 'alice-thinkpad' } });
    mine.models[0].dir = '/home/alice/models/e5-small';
    const history = openHistory({ file: path.join(home, 'history.sqlite') });
    storeResult(history.db, mine, 'local');
    history.close();
    for (const format of ['json', 'md', 'html']) {
      const r = await cli(home, ['export', 'last', '--redact', '--format', format, '--out', '-']);
      expect(r.code).toBe(0);
      expect(r.stdout, format).not.toMatch(/alice|thinkpad|\/home\//);
    }
    expect((await cli(home, ['export', 'last', '--format', 'md', '--out', '-'])).stdout).toContain('alice-thinkpad');

    writeFileSync(path.join(out, 'future.json'), JSON.stringify(syntheticResult({ seed: 8, samples: 5, startedAt: '2099-01-01T00:00:00.000Z', machine: { hostname: 'far' } })));
    const imported = await cli(home, ['import', path.join(out, 'future.json')]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toMatch(/warning: .*future\.json: run \w{8}: it says it started 2099-01-01T00:00:00\.000Z, after this history got it/);
    expect((await cli(home, ['history'])).stdout).toMatch(/2099-01-01 00:00 \(date\?\)/);
    expect((await cli(home, ['show', 'last'])).stdout).toMatch(/Warning: it says it started 2099/);
  });

  it('refuses a malicious or malformed report with a message and imports nothing', async () => {
    const home = tmp('home-evil');
    const dir = tmp('evil');
    writeFileSync(path.join(dir, 'not.json'), '<html>');
    const notJson = await cli(home, ['import', path.join(dir, 'not.json')]);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toMatch(/not\.json is not JSON/);
    writeFileSync(path.join(dir, 'escape.json'), JSON.stringify({ format: 'xlir-bench-report', version: 1, runs: [{ machine: { id: 'x', label: '\u001b[2J' }, result: {} }] }));
    expect((await cli(home, ['import', path.join(dir, 'escape.json')])).code).toBe(1);
    expect(JSON.parse((await cli(home, ['history', '--json'])).stdout)).toEqual([]);
    expect((await cli(home, ['show', 'abcd'])).stderr).toMatch(/No run "abcd"/);
    expect((await cli(home, ['export', 'abcd'])).code).toBe(2);
    expect((await cli(home, ['compare', 'abcd'])).code).toBe(2);
  });
});
