import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentMachineKey, type CalibrationRecord } from '../../main/engine/calibration/noise-floor.ts';
import { RunResultSchema } from '../../main/engine/run/run-result.ts';
import { currentProcessIdentity } from '../../main/engine/machine/process-identity.ts';
import { dataDir, tinyModelCopy } from '../run/fixtures.ts';
import { runCli } from './run-cli.ts';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `xlir-${name}-`));

/** The real CLI with its own XLIR_HOME. */
const cli = (home: string, args: string[]) => runCli(args, { XLIR_HOME: home });

const quick = ['--data-dir', dataDir, '--langs', 'en,de', '--max-queries', '4', '--warmup', '1', '--min-queries', '16', '--min-duration', '0', '--rounds', '4', '--no-history'];

describe('xlir calibrate and the runs that use it', () => {
  const baseline = tinyModelCopy({ name: 'tiny-base', checkpoint: 'baseline' });
  const hybrid = tinyModelCopy({ name: 'tiny-hyb', checkpoint: 'hybrid' });

  it('measures one model against itself, prints the noise floor and saves it as the calibration', async () => {
    const home = tmp('cal-home');
    const json = path.join(tmp('cal-out'), 'cal.json');
    const run = await cli(home, ['calibrate', '--model', baseline, ...quick, '--json', json]);
    expect(run.stderr).not.toMatch(/Error:/);
    expect(run.code).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(result.models.map((m) => m.name)).toEqual(['tiny-base', 'tiny-base#2']);
    expect(result.config).toMatchObject({ quality: false, lexicalFloor: false, roofline: false });
    expect(run.stdout).toMatch(/Noise floor of tiny-base: a run of 4 rounds \(\d+ s\) resolves differences of [\d.]+% or more/);
    expect(run.stdout).toMatch(/rounds +seconds +resolvable difference\n[-\s]+\n +4 /);
    expect(run.stdout).toMatch(/Measurement quality: (quiet|noisy|busy): /);
    const saved = JSON.parse(readFileSync(path.join(home, 'calibration.json'), 'utf8')) as CalibrationRecord;
    expect(saved).toMatchObject({ runId: result.id, noiseFloor: result.noiseFloor });
    expect(run.stdout).toContain(`Saved as this machine's calibration (${path.join(home, 'calibration.json')})`);
    // Registered while it ran, gone once it ended.
    expect(readdirSync(path.join(home, 'active-runs'))).toEqual([]);
  });

  it('refuses two models: a calibration compares one model with itself', async () => {
    const run = await cli(tmp('cal-home'), ['calibrate', '--model', baseline, '--model', hybrid, ...quick]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/measures one model against itself/);
  });

  it("a run on a calibrated machine counts differences under the noise floor as practically equal, and says so", async () => {
    const home = tmp('cal-home');
    const spread = 0.2; // far noisier than 2% can be resolved at 4 rounds
    const floor = { model: 'tiny-base', sha256: 'a'.repeat(64), scenario: 'single-stream', intraOpThreads: null, rounds: 4, roundSeconds: 1, roundSpread: spread, ratio: 1, ciLow: 0.9, ciHigh: 1.1, resolvable: 0.5, lengths: [], for2Percent: null };
    writeFileSync(path.join(home, 'calibration.json'), JSON.stringify({ measuredAt: '2026-02-03T00:00:00.000Z', runId: 'cafebabe-0000', machine: currentMachineKey(), noiseFloor: floor }));
    const json = path.join(tmp('cal-out'), 'run.json');
    const run = await cli(home, ['run', '--model', baseline, '--model', hybrid, ...quick, '--no-quality', '--no-lexical-floor', '--no-roofline', '--json', json]);
    expect(run.code).toBe(0);
    const result = RunResultSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(result.config.practicalThreshold?.source).toBe("this machine's noise floor at 4 rounds (xlir calibrate, 2026-02-03, run cafebabe)");
    expect(result.comparisons[0].latency).toMatchObject({ practicalThresholdSource: result.config.practicalThreshold!.source, practicalThreshold: 0.5 });
  });

  it('a run sees another xlir run active on the machine: busy, and its difference withheld', async () => {
    const home = tmp('cal-home');
    mkdirSync(path.join(home, 'active-runs'));
    const { pid, startTime } = currentProcessIdentity();
    writeFileSync(path.join(home, 'active-runs', 'other-run-1.json'), JSON.stringify({ runId: 'other-run-1', kind: 'serve', pid, startTime, startedAt: new Date().toISOString() }));
    const json = path.join(tmp('cal-out'), 'run.json');
    const run = await cli(home, ['run', '--model', baseline, '--model', hybrid, ...quick, '--no-quality', '--no-lexical-floor', '--no-roofline', '--json', json]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Measurement quality: busy: .*another xlir run was active at the same time: serve other-ru \(pid \d+\)/);
    const result = RunResultSchema.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(result.measurementQuality?.busyReason).toMatch(/^the machine was busy/);
    expect(existsSync(path.join(home, 'active-runs', 'other-run-1.json'))).toBe(true);
  });
});
