import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { startBenchmark } from '../../main/engine/run/benchmark-job.ts';
import type { RunEvent } from '../../main/engine/run/run-events.ts';
import { RunResultSchema } from '../../main/engine/run/run-result.ts';
import { dataDir, quickConfig, tinyModelCopy } from './fixtures.ts';

async function collect(job: ReturnType<typeof startBenchmark>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const e of job.events) events.push(e);
  return events;
}

describe('a benchmark run in a worker thread', () => {
  const baseline = tinyModelCopy({ name: 'tiny-baseline', checkpoint: 'baseline' });
  const hybrid = tinyModelCopy({ name: 'tiny-hybrid', checkpoint: 'hybrid' });

  it('measures quality and latency of a baseline/hybrid pair and compares them', async () => {
    const job = startBenchmark(quickConfig([baseline, hybrid]));
    const [events, result] = await Promise.all([collect(job), job.result]);

    expect(() => RunResultSchema.parse(result)).not.toThrow();
    expect(result.status).toBe('completed');
    expect(result.dataset).toMatchObject({ name: 'xquad-r', languages: ['de', 'en'], queryCount: 16 });
    // The pool is never cut by --max-queries: every de and en sentence stays a candidate.
    expect(result.dataset.candidateCount).toBe(1276 + 1180);
    expect(result.models.map((m) => m.name)).toEqual(['tiny-baseline', 'tiny-hybrid']);
    for (const m of result.models) {
      expect(m.provider.actual).toBe('cpu');
      expect(m.quality?.monolingual?.pairs).toBe(2);
      expect(m.quality?.crossLingual?.pairs).toBe(2);
      expect(m.quality!.multilingual.queries).toBe(16);
      if (m.latency.scenario !== 'single-stream') throw new Error('expected single-stream');
      expect(m.latency.samples.length).toBeGreaterThanOrEqual(12);
      // Two models: measured in interleaved rounds so that drift cannot pose as a difference.
      expect(m.latency.rounds).toBe(4);
      expect(m.latency.blocks?.map((b) => b.round)).toEqual([0, 1, 2, 3]);
      expect(m.latency.samples.every((s) => s.totalMs >= s.tokenizeMs + s.encodeMs + s.searchMs - 1e-9)).toBe(true);
      expect(m.latency.byLanguage.map((g) => g.lang).sort()).toEqual(['de', 'en']);
      expect(m.model.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    // The roofline: both ceilings, a point per measured token count, and a profile on a separate session.
    for (const m of result.models) {
      const r = m.roofline!;
      expect(r.bandwidth?.read.supported).toBe(true);
      expect(r.efficiency[0]).toMatchObject({ batchSize: 1, bound: expect.stringMatching(/^(memory|compute)$/) });
      expect(r.efficiency[0].attainableGflops).toBeGreaterThan(0);
      if (m.latency.scenario !== 'single-stream') throw new Error('expected single-stream');
      expect(r.points!.reduce((n, p) => n + p.runs, 0)).toBe(m.latency.samples.length);
      expect(new Set(r.points!.map((p) => p.tokens))).toEqual(new Set(m.latency.samples.map((s) => s.tokens)));
      expect(r.operators!.map((o) => [o.batchSize, o.providers])).toEqual([[1, ['CPUExecutionProvider']]]);
    }
    expect(events.filter((e) => e.type === 'phase' && e.phase === 'profile').map((e) => e.type === 'phase' && e.model)).toEqual(['tiny-baseline', 'tiny-hybrid']);
    // Same weights under two names: identical quality, so no difference beyond noise.
    expect(result.models[0].quality).toEqual(result.models[1].quality);
    expect(result.comparisons).toHaveLength(1);
    const comparison = result.comparisons[0];
    expect(comparison).toMatchObject({ baseline: 'tiny-baseline', candidate: 'tiny-hybrid' });
    expect(comparison.quality.map((q) => q.setting)).toEqual(['monolingual', 'crossLingual', 'multilingual']);
    for (const q of comparison.quality) expect([q.difference, q.ciLow, q.ciHigh]).toEqual([0, 0, 0]);
    expect(comparison.latency?.verdict).toMatch(/tiny-hybrid/);
    expect(comparison.latency?.method).toBe('paired-rounds');
    // The machine was watched while latency was measured; no registry was given, so other runs are "not measured".
    expect(result.measurementQuality?.notMeasured).toContain('other xlir runs');
    // The two names share one graph (same sha256): an A/A pair, so the run also reports the noise floor.
    expect(result.noiseFloor?.model).toBe('tiny-baseline');

    const kinds = new Set(events.map((e) => e.type));
    for (const kind of ['phase', 'progress', 'quality-done', 'latency', 'model-done']) expect(kinds).toContain(kind);
    // A warning here can only be the measurement-quality line of a busy test machine.
    for (const e of events) if (e.type === 'warning') expect(e.message).toMatch(/^measurement quality: (noisy|busy): /);
    // Each quality is sent as soon as measured, before any latency: a run killed later keeps it.
    const firstLatency = events.findIndex((e) => e.type === 'latency');
    const qualities = events.flatMap((e, i) => (e.type === 'quality-done' ? [{ ...e, i }] : []));
    expect(qualities.map((q) => [q.model, q.lexicalFloor ?? false])).toEqual([['TF-IDF (char 3-grams)', true], ['tiny-baseline', false], ['tiny-hybrid', false]]);
    expect(qualities.every((q) => q.i < firstLatency)).toBe(true);
    expect(qualities.map((q) => q.quality)).toEqual([result.lexicalFloor, result.models[0].quality, result.models[1].quality]);
    const latencyEvents = events.filter((e) => e.type === 'latency' && e.phase === 'measure');
    // Samples arrive in batches, never one event per query.
    expect(latencyEvents.length).toBeLessThan(24);
  });

  it('asks its caller for the other active xlir runs: one running alongside makes the machine busy', async () => {
    let asked = 0;
    const other = { runId: 'aaaaaaaa-other-run', kind: 'serve', pid: 4242 };
    const job = startBenchmark(quickConfig([baseline, hybrid], { quality: false, lexicalFloor: false, roofline: false }), {
      otherRuns: () => {
        asked++;
        return [other];
      },
    });
    const [events, result] = await Promise.all([collect(job), job.result]);
    // At the start, after each of the 2 × 4 blocks, and at the end.
    expect(asked).toBe(10);
    expect(result.measurementQuality).toMatchObject({ level: 'busy', otherRuns: [other] });
    expect(result.measurementQuality?.summary).toMatch(/^busy: .*another xlir run was active at the same time: serve aaaaaaaa \(pid 4242\)/);
    expect(result.measurementQuality?.busyReason).toMatch(/^the machine was busy \(.*another xlir run/);
    expect(events.some((e) => e.type === 'warning' && e.message.startsWith('measurement quality: busy: '))).toBe(true);
  });

  it('runs one model twice as an A/A test: the copies are told apart and the noise floor is reported', async () => {
    const job = startBenchmark(quickConfig([baseline, baseline], { quality: false, lexicalFloor: false, roofline: false }));
    const result = await job.result;
    expect(result.models.map((m) => m.name)).toEqual(['tiny-baseline', 'tiny-baseline#2']);
    expect(result.noiseFloor).toMatchObject({ model: 'tiny-baseline', rounds: 4, scenario: 'single-stream' });
    expect(result.noiseFloor!.roundSpread).toBeGreaterThan(0);
    expect(result.noiseFloor!.lengths.map((l) => l.rounds)).toEqual([4, 8, 16, 32]);
  });

  it('keeps what it measured when cancelled', async () => {
    const job = startBenchmark(
      quickConfig([baseline], { quality: false, scenario: { kind: 'single-stream', warmupQueries: 0, minQueries: 1_000_000, minDurationMs: 600_000 } }),
    );
    for await (const e of job.events) {
      if (e.type === 'latency' && e.samples.length > 0) job.cancel();
    }
    const result = await job.result;
    expect(result.status).toBe('cancelled');
    const latency = result.models[0].latency;
    if (latency.scenario !== 'single-stream') throw new Error('expected single-stream');
    expect(latency.cancelled).toBe(true);
    expect(latency.samples.length).toBeGreaterThan(0);
    expect(result.models[0].qualityNote).toMatch(/--no-quality/);
  });

  it('stops a synchronous quality evaluation part-way when cancelled', async () => {
    // The lexical floor over all en and de questions scores 38 blocks in one synchronous loop:
    // only the shared cancel flag, read at each block's progress event, can stop it early.
    const job = startBenchmark(quickConfig([baseline], { dataset: { name: 'xquad-r', dataDir, langs: ['en', 'de'] } }));
    const progress: number[] = [];
    for await (const e of job.events) {
      if (e.type === 'progress' && e.phase === 'lexical-floor') {
        progress.push(e.done);
        if (progress.length === 1) job.cancel();
      }
    }
    const result = await job.result;
    expect(result.status).toBe('cancelled');
    expect(result.lexicalFloor).toBeNull();
    expect(progress.at(-1)).toBeLessThan(result.dataset.queryCount);
    expect(result.models).toEqual([]);
  });

  it('fails with a clear error on a broken ONNX file', async () => {
    const broken = tinyModelCopy({ name: 'broken' }, (dir) => writeFileSync(path.join(dir, 'model.onnx'), 'not a protobuf'));
    const job = startBenchmark(quickConfig([broken]));
    await expect(job.result).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('model.onnx') });
  });

  it('fails with a clear error when the manifest does not match the graph', async () => {
    const wrong = tinyModelCopy({ name: 'wrong-output', output: 'sentence_embedding' });
    const job = startBenchmark(quickConfig([wrong]));
    await expect(job.result).rejects.toMatchObject({ code: 'MANIFEST_MISMATCH', message: expect.stringMatching(/sentence_embedding[\s\S]*last_hidden_state|last_hidden_state[\s\S]*sentence_embedding/) });
  });

  it('names the languages it knows when asked for an unknown one', async () => {
    const job = startBenchmark(quickConfig([baseline], { dataset: { name: 'xquad-r', dataDir: quickConfig([]).dataset.dataDir, langs: ['en', 'xx'] } }));
    await expect(job.result).rejects.toSatisfy((e: unknown) => e instanceof XlirError && /xx/.test(e.message) && /ar.*de.*el.*en/.test(e.message));
  });

  it('rejects an invalid configuration before starting a worker', () => {
    expect(() => startBenchmark({ models: [] })).toThrow(/models/);
  });
});
