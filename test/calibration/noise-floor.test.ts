import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  calibratedPracticalThreshold,
  calibrationConfig,
  calibrationRecordOf,
  currentMachineKey,
  DEFAULT_PRACTICAL_THRESHOLD,
  noiseFloorOf,
  NoiseFloorSchema,
  resolvableDifference,
  roundSpread,
  roundsToResolve,
  type CalibrationRecord,
} from '../../main/engine/calibration/noise-floor.ts';
import { compareLatency } from '../../main/engine/latency/compare.ts';
import { compareRounds } from '../../main/engine/latency/paired-rounds.ts';
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import { describeNoiseFloor } from '../../main/report/measurement-notes.ts';
import { applySavedCalibration, calibrationFile, loadCalibration, saveCalibration } from '../../main/store/calibration-file.ts';
import { sample } from '../latency/synthetic-rounds.ts';

// Reference values: scipy.stats.t (see the formula in noise-floor.ts).
describe('resolvable difference', () => {
  it('is the minimal detectable effect of the t test over rounds (80% power, 95% confidence)', () => {
    expect(resolvableDifference(0.05, 20)).toBeCloseTo(0.033577866781497434, 12);
    expect(resolvableDifference(0.05, 40)).toBeCloseTo(0.022978027029241233, 12);
    expect(resolvableDifference(0.01, 20)).toBeCloseTo(0.006627151045464519, 12);
    expect(resolvableDifference(0.1, 2)).toBeCloseTo(1.7068598934313077, 10);
    expect(resolvableDifference(0, 5)).toBe(0);
  });

  it('finds the fewest rounds that resolve a difference', () => {
    // scipy: 52 rounds resolve 2.0002%, 53 rounds 1.9803%.
    expect(roundsToResolve(0.05, 0.02)).toBe(53);
    expect(roundsToResolve(0, 0.02)).toBe(2);
    expect(roundsToResolve(5, 0.001)).toBeNull();
  });

  it('a difference exactly at what a length resolves is resolved at that length, up to 10,000 rounds', () => {
    expect(roundsToResolve(0.05, resolvableDifference(0.05, 53))).toBe(53);
    expect(roundsToResolve(0.05, resolvableDifference(0.05, 10_000))).toBe(10_000);
    expect(roundsToResolve(0.05, resolvableDifference(0.05, 10_000) * 0.999)).toBeNull();
  });

  it('refuses fewer than 2 rounds and a negative spread', () => {
    expect(() => resolvableDifference(0.05, 1)).toThrow('a resolvable difference needs at least 2 rounds, got 1');
    expect(() => resolvableDifference(0.05, 2.5)).toThrow('a resolvable difference needs at least 2 rounds, got 2.5');
    expect(() => resolvableDifference(-0.01, 10)).toThrow('the per-round spread must be ≥ 0, got -0.01');
  });

  it('the spread is the sample standard deviation of the log ratios', () => {
    // ln 1.1, ln 1.0, ln 1.2: sd 0.0911922513 (hand-computed, as in paired-rounds.test.ts).
    expect(roundSpread([1.1, 1.0, 1.2])).toBeCloseTo(0.09119225128972985, 12);
  });
});

const run = { model: 'm', sha256: 'f'.repeat(64), scenario: 'single-stream' as const, intraOpThreads: 2, latencyPhaseMs: 8_000 };

describe('noiseFloorOf', () => {
  const ratios = [1.02, 0.97, 1.01, 0.99, 1.03, 0.98, 1.0, 1.0];
  const comparison = compareRounds(ratios.map((r) => ({ baseline: [sample(1)], candidate: [sample(r)] })));

  it('reads the spread of an A/A comparison and scales it to longer runs', () => {
    const floor = noiseFloorOf(comparison, run)!;
    const spread = roundSpread(ratios);
    expect(floor).toMatchObject({ model: 'm', rounds: 8, roundSeconds: 1, intraOpThreads: 2, ratio: comparison.median.ratio, ciLow: comparison.median.ciLow });
    expect(floor.roundSpread).toBe(spread);
    expect(floor.resolvable).toBe(resolvableDifference(spread, 8));
    expect(floor.lengths).toEqual([8, 16, 32, 64].map((rounds) => ({ rounds, seconds: rounds, resolvable: resolvableDifference(spread, rounds) })));
    expect(floor.for2Percent).toEqual({ rounds: roundsToResolve(spread, 0.02), seconds: roundsToResolve(spread, 0.02)! });
    expect(describeNoiseFloor(floor)).toMatch(/^Noise floor of m: a run of 8 rounds \(8 s\) resolves differences of \d+\.\d% or more; A\/A ratio 1\.000 \(95% CI 0\.9\d\d–1\.0\d\d\); resolving 2% takes about \d+ rounds \(\d+ s\)$/);
  });

  it('gives every length its seconds from the wall time of one round', () => {
    // 16 s over 8 rounds: 2 s a round.
    const floor = noiseFloorOf(comparison, { ...run, latencyPhaseMs: 16_000 })!;
    expect(floor.roundSeconds).toBe(2);
    expect(floor.lengths.map((l) => l.seconds)).toEqual([16, 32, 64, 128]);
    expect(floor.for2Percent!.seconds).toBe(2 * floor.for2Percent!.rounds);
  });

  it('has no round count for 2% when even 10,000 rounds would not resolve it', () => {
    // ln 3 / √2 = 0.78 between two rounds: 10,000 rounds resolve (1.96 + 0.84) · 0.78 / 100 ≈ 2.2%.
    const wild = compareRounds([1, 3].map((r) => ({ baseline: [sample(1)], candidate: [sample(r)] })));
    const floor = noiseFloorOf(wild, run)!;
    expect(floor.roundSpread).toBeCloseTo(Math.log(3) / Math.SQRT2, 12);
    expect(floor.for2Percent).toBeNull();
  });

  it('has nothing to say about a comparison without rounds', () => {
    const old = compareLatency([sample(1), sample(2)], [sample(1), sample(2)], { seed: 1, resamples: 100 });
    expect(noiseFloorOf(old, run)).toBeNull();
    // Neither ratios from another method nor a single round's ratio give a spread.
    expect(noiseFloorOf({ ...comparison, method: 'independent-bootstrap' }, run)).toBeNull();
    expect(noiseFloorOf({ ...comparison, roundRatios: [1.02] }, run)).toBeNull();
  });

  it('is stored for every scenario', () => {
    const floor = noiseFloorOf(comparison, run)!;
    for (const scenario of ['single-stream', 'offline', 'server'] as const) expect(NoiseFloorSchema.parse({ ...floor, scenario })).toEqual({ ...floor, scenario });
    expect(() => NoiseFloorSchema.parse({ ...floor, scenario: 'batch' })).toThrow();
  });
});

const record = (resolvableSpread: number): CalibrationRecord => ({
  measuredAt: '2026-03-04T05:06:07.000Z',
  runId: '12345678-aaaa-bbbb-cccc-000000000000',
  machine: currentMachineKey(),
  noiseFloor: { ...noiseFloorOf(compareRounds([1, 1.1].map((r) => ({ baseline: [sample(1)], candidate: [sample(r)] }))), run)!, roundSpread: resolvableSpread },
});

describe('calibrated practical threshold', () => {
  const runOf = (over: Partial<Parameters<typeof calibratedPracticalThreshold>[1]> = {}) => ({ machine: currentMachineKey(), scenario: { kind: 'single-stream' as const, rounds: 20 }, intraOpThreads: 2, modelCount: 2, ...over });

  it('raises the threshold to what the run length resolves on this machine, and says where it came from', () => {
    const t = calibratedPracticalThreshold(record(0.05), runOf())!;
    expect(t.fraction).toBeCloseTo(0.033577866781497434, 12);
    expect(t.source).toBe("this machine's noise floor at 20 rounds (xlir calibrate, 2026-03-04, run 12345678)");
  });

  it('keeps the default where the machine resolves 2% anyway', () => {
    expect(DEFAULT_PRACTICAL_THRESHOLD).toBe(0.02);
    expect(calibratedPracticalThreshold(record(0.01), runOf())).toBeNull();
  });

  it('applies only to the set-up that was calibrated', () => {
    expect(calibratedPracticalThreshold(record(0.05), runOf({ machine: { ...currentMachineKey(), hostname: 'elsewhere' } }))).toBeNull();
    expect(calibratedPracticalThreshold(record(0.05), runOf({ machine: { ...currentMachineKey(), cpuModel: 'another CPU' } }))).toBeNull();
    expect(calibratedPracticalThreshold(record(0.05), runOf({ machine: { ...currentMachineKey(), logicalCores: 999 } }))).toBeNull();
    expect(calibratedPracticalThreshold(record(0.05), runOf({ scenario: { kind: 'server', rounds: 20 } }))).toBeNull();
    expect(calibratedPracticalThreshold(record(0.05), runOf({ intraOpThreads: null }))).toBeNull();
    expect(calibratedPracticalThreshold(record(0.05), runOf({ modelCount: 1 }))).toBeNull();
    expect(calibratedPracticalThreshold(record(0.05), runOf({ scenario: { kind: 'single-stream', rounds: 1 } }))).toBeNull();
  });

  it('applies from 2 rounds, the fewest an interval across rounds has', () => {
    // (t(0.975, 1) + t(0.8, 1)) · 0.01 / √2 = (12.7062 + 1.3764) · 0.01 / √2 = 0.09958; e^0.09958 − 1 = 10.47%.
    expect(calibratedPracticalThreshold(record(0.01), runOf({ scenario: { kind: 'single-stream', rounds: 2 } }))!.fraction).toBeCloseTo(0.1047, 4);
  });

  it('never goes beyond 50%', () => {
    expect(calibratedPracticalThreshold(record(2), runOf({ scenario: { kind: 'single-stream', rounds: 3 } }))!.fraction).toBe(0.5);
  });
});

describe('the calibration file', () => {
  const config = RunConfigSchema.parse({ models: ['/m/a', '/m/b'], provider: { intraOpThreads: 2 } });

  it('is saved in XLIR_HOME and read back; a run of the same set-up takes its threshold', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-cal-'));
    expect(loadCalibration(home, () => undefined)).toBeNull();
    expect(applySavedCalibration(config, home, () => undefined)).toBe(config);
    expect(saveCalibration(home, record(0.05))).toBe(calibrationFile(home));
    expect(loadCalibration(home, () => undefined)).toEqual(record(0.05));
    const applied = applySavedCalibration(config, home, () => undefined);
    expect(applied.practicalThreshold?.fraction).toBeCloseTo(0.033577866781497434, 12);
    // A configuration that sets its own threshold, or has one model, is left alone.
    const own = { ...config, practicalThreshold: { fraction: 0.1, source: 'mine' } };
    expect(applySavedCalibration(own, home, () => undefined)).toBe(own);
    const single = { ...config, models: ['/m/a'] };
    expect(applySavedCalibration(single, home, () => undefined)).toBe(single);
  });

  it('a damaged file is reported and ignored', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-cal-'));
    const warnings: string[] = [];
    writeFileSync(calibrationFile(home), '{ not json');
    expect(loadCalibration(home, (m) => warnings.push(m))).toBeNull();
    writeFileSync(calibrationFile(home), JSON.stringify({ measuredAt: 'x' }));
    expect(applySavedCalibration(config, home, (m) => warnings.push(m))).toBe(config);
    expect(warnings[0]).toMatch(/calibration\.json is not a calibration this version understands \(not JSON\): runs use the default practical threshold; run xlir calibrate again\.$/);
    expect(warnings[1]).toMatch(/runId: /);
  });
});

describe('currentMachineKey', () => {
  afterEach(() => vi.restoreAllMocks());

  it("names this machine's CPU as the OS reports it, trimmed, or 'unknown' where it reports none", () => {
    const cpu = { model: '  Example CPU @ 3.00GHz \n', speed: 3000, times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 } };
    vi.spyOn(os, 'cpus').mockReturnValue([cpu, cpu]);
    vi.spyOn(os, 'availableParallelism').mockReturnValue(2);
    vi.spyOn(os, 'hostname').mockReturnValue('bench-1');
    expect(currentMachineKey()).toEqual({ hostname: 'bench-1', cpuModel: 'Example CPU @ 3.00GHz', logicalCores: 2 });
    vi.spyOn(os, 'cpus').mockReturnValue([]);
    expect(currentMachineKey().cpuModel).toBe('unknown');
  });
});

describe('calibrationConfig and calibrationRecordOf', () => {
  it("measures the configuration's first model twice, latency only", () => {
    expect(calibrationConfig({ models: ['/a', '/b'], seed: 3, quality: true })).toEqual({ models: ['/a', '/a'], seed: 3, quality: false, lexicalFloor: false, roofline: false });
  });

  it('keeps the machine, the run and its measurement-quality line with the floor', () => {
    const floor = record(0.05).noiseFloor;
    const machine = { hostname: 'h', cpu: { model: 'cpu', logicalCores: 8 } } as never;
    expect(calibrationRecordOf({ id: 'r', finishedAt: 'f', machine, measurementQuality: { summary: 'quiet: ...' } }, floor)).toEqual({
      measuredAt: 'f',
      runId: 'r',
      machine: { hostname: 'h', cpuModel: 'cpu', logicalCores: 8 },
      noiseFloor: floor,
      measurementQuality: 'quiet: ...',
    });
    expect(calibrationRecordOf({ id: 'r', finishedAt: 'f', machine }, floor)).not.toHaveProperty('measurementQuality');
  });
});
