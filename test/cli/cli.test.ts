import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HELP } from '../../main/cli/usage.ts';
import { RunResultSchema } from '../../main/engine/run/run-result.ts';
import { dataDir, repoRoot, tinyModelCopy } from '../run/fixtures.ts';
import { runCli } from './run-cli.ts';

const cli = runCli;

const quick = ['--data-dir', dataDir, '--langs', 'en,de', '--max-queries', '5', '--warmup', '1', '--min-queries', '5', '--min-duration', '0', '--bootstrap', '100'];

describe('xlir CLI', () => {
  const model = tinyModelCopy({ name: 'tiny-cli' });

  it('runs a benchmark and writes a result that validates against the schema', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-cli-')), 'r.json');
    const r = await cli(['run', '--model', model, ...quick, '--json', out]);
    expect(r.stderr).not.toMatch(/Error:/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mAP monolingual \(2 pairs\)/);
    expect(r.stdout).toMatch(/Latency per query, tiny-cli \(single-stream, cpu/);
    const result = RunResultSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(result.models[0].name).toBe('tiny-cli');
  });

  it('explains that CUDA cannot run here and exits 1, or falls back when asked to', async () => {
    const strict = await cli(['run', '--model', model, ...quick, '--ep', 'cuda', '--no-quality']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/CUDA/);
    expect(strict.stderr).toMatch(/npm run install:cuda/);

    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'xlir-cli-')), 'r.json');
    const fallback = await cli(['run', '--model', model, ...quick, '--ep', 'cuda,cpu', '--no-quality', '--json', out]);
    expect(fallback.code).toBe(0);
    expect(fallback.stderr).toMatch(/warning:.*(CPU|cpu)/);
    const result = RunResultSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(result.models[0].provider).toMatchObject({ requested: ['cuda', 'cpu'], actual: 'cpu', fallbackReason: expect.stringMatching(/CUDA/) });
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli(['run', '--no-such-flag'])).code).toBe(2);
    expect((await cli(['run', '--ep', 'tpu'])).stderr).toMatch(/--ep/);
    expect((await cli(['frobnicate'])).code).toBe(2);
    expect((await cli(['run', '--scenario', 'server', '--model', model])).stderr).toMatch(/--target-qps/);
  });

  it('names a missing model folder', async () => {
    const r = await cli(['run', '--model', 'no-such-model', ...quick]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-such-model/);
  });

  it('says clearly when the data folder has no XQuAD-R', async () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'xlir-empty-'));
    const r = await cli(['run', '--model', model, '--data-dir', empty]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${empty}.*xquad-r`));
  });

  it('lists models, datasets and what can run here', async () => {
    // An empty user models folder: no replica generated there yet.
    const models = await cli(['models', '--model-dir', path.dirname(model), '--json'], { XLIR_MODELS_DIR: mkdtempSync(path.join(os.tmpdir(), 'xlir-cli-models-')) });
    const listed = JSON.parse(models.stdout);
    expect(listed.models.some((m: { name: string }) => m.name === 'tiny-cli')).toBe(true);
    // Replicas not generated yet are offered, with their size (XLM-R base: 277,453,056 float32 weights).
    expect(listed.generatedOnFirstUse.find((r: { name: string }) => r.name === 'xlm-roberta-base-replica')).toEqual({ name: 'xlm-roberta-base-replica', hubId: 'FacebookAI/xlm-roberta-base', bytes: 277_453_056 * 4 });
    const datasets = await cli(['datasets', '--data-dir', dataDir, '--json']);
    expect(JSON.parse(datasets.stdout).find((d: { name: string }) => d.name === 'xquad-r')).toMatchObject({ found: true });
    const bundled = await cli(['datasets'], { XLIR_DATA_DIR: '' });
    expect(bundled.stdout).toMatch(/xquad-r .*\n(.*\n)*  status: +bundled \(.*xquad-r, brotli-compressed/);
    const doctor = await cli(['doctor', '--json']);
    const report = JSON.parse(doctor.stdout);
    expect(report.providers.providers.find((p: { provider: string }) => p.provider === 'cpu').ready).toBe(true);
    expect(report.machine.cpu.logicalCores).toBeGreaterThan(0);
  });

  it('has its help text in the README, so the CLI reference cannot drift', () => {
    expect(readFileSync(path.join(repoRoot, 'README.md'), 'utf8')).toContain(HELP.trimEnd());
  });
});
