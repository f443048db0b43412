import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSweepConfig, formatSweep } from '../../main/cli/commands/sweep.ts';
import { CliUsageError } from '../../main/cli/usage.ts';
import { captureMachineProfile } from '../../main/engine/machine/machine-profile.ts';
import { loadModel } from '../../main/engine/models/load-model.ts';
import { ceilingsKey } from '../../main/engine/roofline/ceilings-cache.ts';
import { fakeBandwidth, fakePeak } from '../roofline/fake-ceilings.ts';
import { runSweep, SweepResultSchema } from '../../main/engine/sweep/run-sweep.ts';
import { defaultThreadCounts } from '../../main/engine/sweep/sweep-config.ts';
import { pickBest, summarizeRounds } from '../../main/engine/sweep/sweep-summary.ts';
import { syntheticBatch } from '../../main/engine/sweep/synthetic-batch.ts';
import { copyTinyEncoder, removeTinyEncoderCopies, TINY_ENCODER } from '../models/tiny-encoder-copy.ts';

afterAll(removeTinyEncoderCopies);

describe('summarizeRounds', () => {
  it('gives the median of all runs, the round medians and their spread (hand-computed)', () => {
    // Round medians (nearest rank, lower middle): 2, 4, 3; all runs sorted 1 2 2 3 3 4 4 5 9: median 3.
    const s = summarizeRounds([[2, 1, 9], [4, 5, 4], [3, 2, 3]], 4);
    expect(s.roundMediansMs).toEqual([2, 4, 3]);
    expect(s.medianMs).toBe(3);
    expect(s.spread).toEqual({ minMs: 2, medianMs: 3, maxMs: 4, relative: 2 / 3 });
    expect(s.queriesPerSecond).toBeCloseTo(4000 / 3, 12);
  });
});

describe('pickBest', () => {
  const cpu = (threads: number) => ({ provider: 'cpu' as const, variant: 'default', threads });
  it('names the settings fastest relative to each workload\'s best, and the winner per workload', () => {
    const best = pickBest([
      { settings: cpu(1), workload: { batchSize: 1, tokens: 16 }, medianMs: 10 },
      { settings: cpu(2), workload: { batchSize: 1, tokens: 16 }, medianMs: 12 },
      { settings: cpu(1), workload: { batchSize: 8, tokens: 16 }, medianMs: 100 },
      { settings: cpu(2), workload: { batchSize: 8, tokens: 16 }, medianMs: 50 },
    ])!;
    // Relative times: 1 thread 1 and 2 (geometric mean √2); 2 threads 1.2 and 1 (√1.2): 2 threads win.
    expect(best.settings).toEqual(cpu(2));
    expect(best.relativeTime).toBeCloseTo(Math.sqrt(1.2), 12);
    expect(best.wins).toBe(1);
    expect(best.perWorkload.map((w) => [w.workload.batchSize, w.settings.threads, w.medianMs])).toEqual([[1, 1, 10], [8, 2, 50]]);
    expect(pickBest([])).toBeNull();
  });
});

describe('defaultThreadCounts', () => {
  it('takes powers of two below the core count, and the core count', () => {
    expect(defaultThreadCounts(1)).toEqual([1]);
    expect(defaultThreadCounts(2)).toEqual([1, 2]);
    expect(defaultThreadCounts(6)).toEqual([1, 2, 4, 6]);
    expect(defaultThreadCounts(8)).toEqual([1, 2, 4, 8]);
  });
});

describe('syntheticBatch', () => {
  it('makes rows of exactly the asked token count from the model\'s tokenizer, ending as real inputs do', async () => {
    const encoder = await loadModel(TINY_ENCODER);
    try {
      const real = encoder.tokenize(['a short question'], 'query');
      const sep = real.inputIds[real.lengths[0] - 1];
      const cls = real.inputIds[0];
      const batch = syntheticBatch(encoder, 3, 10);
      expect([batch.batchSize, batch.sequenceLength, batch.lengths]).toEqual([3, 10, [10, 10, 10]]);
      expect(batch.inputIds.length).toBe(30);
      expect([batch.inputIds[0], batch.inputIds[9], batch.inputIds[29]]).toEqual([cls, sep, sep]);
      expect(batch.attentionMask.every((m) => m === 1n)).toBe(true);
      expect((await encoder.run(batch)).length).toBe(3 * encoder.dimension);
      expect(() => syntheticBatch(encoder, 1, 65)).toThrow(/2 to 64 tokens/);
    } finally {
      await encoder.dispose();
    }
  });
});

describe('runSweep', () => {
  it('measures every configuration in interleaved rounds, skips what cannot run, and names the best', async () => {
    const model = copyTinyEncoder((m) => ({ ...m, variants: { copy: 'model.copy.onnx', absent: 'model.absent.onnx' } }));
    copyFileSync(path.join(model, 'model.onnx'), path.join(model, 'model.copy.onnx'));
    const machine = await captureMachineProfile();
    // Cached ceilings at one thread (1 GFLOP/s, 1 GB/s): the sweep must read them and measure nothing.
    const ceilingsFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-sweep-')), 'peaks.json');
    writeFileSync(ceilingsFile, JSON.stringify({ version: 1, entries: [{ key: ceilingsKey(machine, 'cpu', 1), peak: fakePeak(1, { threads: 1 }), bandwidth: fakeBandwidth(1, { threads: 1 }) }] }));

    const progress: string[] = [];
    const result = await runSweep(
      { model, providers: ['cpu', 'cuda'], threads: [1], batchSizes: [1, 2], sequenceLengths: [4, 9], rounds: 2, runsPerRound: 2, warmupRuns: 1, rewarmRuns: 0 },
      { machine, ceilingsCacheFile: ceilingsFile, onProgress: (p) => progress.push(p.phase) },
    );
    expect(SweepResultSchema.parse(JSON.parse(JSON.stringify(result)))).toEqual(result);
    // Settings: cpu × {default, copy} (absent skipped), cuda skipped unless a GPU is here.
    const measured = new Set(result.configurations.map((c) => `${c.settings.provider}/${c.settings.variant}`));
    expect(measured.has('cpu/default') && measured.has('cpu/copy') && !measured.has('cpu/absent')).toBe(true);
    expect(result.skipped.find((s) => s.settings.variant === 'absent')?.reason).toMatch(/model\.absent\.onnx not found/);
    if (!machine.gpus.length) expect(result.skipped.filter((s) => s.settings.provider === 'cuda').map((s) => s.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/CUDA is unavailable/)]));
    const cpuConfigs = result.configurations.filter((c) => c.settings.provider === 'cpu');
    expect(cpuConfigs.map((c) => [c.settings.variant, c.workload.batchSize, c.workload.tokens])).toEqual([
      ['default', 1, 4], ['default', 1, 9], ['default', 2, 4], ['default', 2, 9],
      ['copy', 1, 4], ['copy', 1, 9], ['copy', 2, 4], ['copy', 2, 9],
    ]);
    const n = result.configurations.length;
    expect(result.roundOrder).toEqual([[...Array(n).keys()], [...Array(n).keys()].reverse()]);
    for (const c of result.configurations) {
      expect(c.roundTimesMs.map((r) => r.length)).toEqual([2, 2]);
      expect(c.efficiency).toMatchObject({ batchSize: c.workload.batchSize, runs: 4, peakGflops: 1, bandwidthGBs: 1 });
      expect(c.efficiency!.fractionOfPeak).toBeCloseTo(c.efficiency!.achievedGflops!, 12);
      // 1 GB/s × intensity against 1 GFLOP/s: memory-bound below 1 FLOP/byte.
      const e = c.efficiency!;
      expect(e.attainableGflops).toBeCloseTo(Math.min(1, e.intensity!), 12);
      expect(e.bound).toBe(e.intensity! < 1 ? 'memory' : 'compute');
    }
    expect(result.best?.perWorkload).toHaveLength(4);
    expect(progress).toContain('measure');
    const text = formatSweep(result);
    expect(text).toMatch(/Best configuration: cpu/);
    expect(text).toMatch(/ceilings on cpu, 1 thread: peak 1\.0 GFLOP\/s, read bandwidth 1\.0 GB\/s, so memory-bound below 1\.00 FLOP\/byte/);
    expect(text).toMatch(/skipped cpu absent, 1 thread: .*not found/);
  });

  it('refuses an invalid sweep with the field at fault', async () => {
    await expect(runSweep({ model: TINY_ENCODER, batchSizes: [0] })).rejects.toThrow(/batchSizes/);
    await expect(runSweep({ model: TINY_ENCODER, sequenceLengths: [1000], threads: [1], rounds: 1, runsPerRound: 1, roofline: false })).rejects.toThrow(/2 to 64 tokens/);
  });
});

describe('xlir sweep flags', () => {
  it('needs --model, checks providers, and passes lists through', () => {
    expect(() => buildSweepConfig([])).toThrow(CliUsageError);
    expect(() => buildSweepConfig(['--model', TINY_ENCODER, '--ep', 'tpu'])).toThrow(/--ep/);
    expect(() => buildSweepConfig(['--model', TINY_ENCODER, '--threads', 'x'])).toThrow(/--threads expects a number/);
    expect(buildSweepConfig(['--model', TINY_ENCODER, '--threads', '1,2', '--tokens', '8,16', '--batch-sizes', '4', '--no-roofline', '--rounds', '5']).config).toMatchObject({
      threads: [1, 2], sequenceLengths: [8, 16], batchSizes: [4], roofline: false, rounds: 5,
    });
  });
});
