// The "done when", end to end through the real CLI: a model in the layouts the ecosystem
// writes runs without its manifest and gives the source folder's mAP; a baseline/hybrid pair runs
// with --variant int8; a folder that is not a model fails before any dataset work. The model is the
// committed transformer fixture (test/fixtures/tiny-encoder), named and paired here as a family's
// baseline and hybrid, so these runs do not depend on what native-models/default holds.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { derivedVariantFile } from '../../main/engine/precision/derived-variants.ts';
import { RunResultSchema, type RunResult } from '../../main/engine/run/run-result.ts';
import { renderHtmlReport } from '../../main/report/html/html-report.ts';
import { buildOptimumFolder, buildSentenceTransformersFolder, buildTransformersJsFolder, readSourceModel } from '../models/layout-fixtures.ts';
import { dataDir, repoRoot, tinyEncoderDir, tinyModelCopy } from '../run/fixtures.ts';

const run = promisify(execFile);
const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');
const roots: string[] = [];
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});
const tempDir = (prefix: string) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(dir);
  return dir;
};

async function cli(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [xlir, ...args], { env: { ...process.env, ...env }, cwd: repoRoot, maxBuffer: 1 << 24 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// One language and a subset of questions (against the full English pool of 1,180 candidates) keeps these runs short.
const quick = ['--data-dir', dataDir, '--langs', 'en', '--max-queries', '40', '--warmup', '2', '--min-queries', '10', '--min-duration', '0', '--bootstrap', '200', '--no-lexical-floor', '--no-roofline', '--no-history'];

// The fixture as a pair: folders and names `<family>-baseline` / `<family>-hybrid`, so a layout without
// a manifest reads family and checkpoint from its folder name. Both get prefixes (the fixture has
// none), so a layout that lost them would tokenize other text and give another mAP.
const fixture = JSON.parse(fs.readFileSync(path.join(tinyEncoderDir, 'manifest.json'), 'utf8')) as { family: string; pooling: string; normalize: boolean; maxLength: number; dimension: number };
const baselineName = `${fixture.family}-baseline`;
const hybridName = `${fixture.family}-hybrid`;
const prefixes = { query: 'question: ', passage: 'answer: ' };
const pairMember = (changes: Record<string, unknown>) => {
  const dir = tinyModelCopy(changes);
  roots.push(path.dirname(dir));
  return dir;
};
const baselineDir = pairMember({ name: baselineName, checkpoint: 'baseline', prefixes });
const hybridDir = pairMember({ name: hybridName, checkpoint: 'hybrid', prefixes });

async function runJson(args: string[], env: Record<string, string> = {}): Promise<{ result: RunResult; stdout: string }> {
  const out = path.join(tempDir('xlir-own-'), 'r.json');
  const r = await cli(['run', ...args, ...quick, '--json', out], env);
  expect(r.stderr).not.toMatch(/Error:/);
  expect(r.code).toBe(0);
  return { result: RunResultSchema.parse(JSON.parse(fs.readFileSync(out, 'utf8'))), stdout: r.stdout };
}

describe('a model in the ecosystem\'s layouts, without its manifest', () => {
  it('runs from Optimum, transformers.js and sentence-transformers folders with the mAP of the source folder', async () => {
    const source = readSourceModel(baselineDir);
    const root = tempDir('xlir-layouts-');
    const folders = [
      buildOptimumFolder(source, path.join(root, 'optimum', baselineName)),
      buildTransformersJsFolder(source, path.join(root, 'transformers.js', baselineName)),
      buildSentenceTransformersFolder(source, path.join(root, 'sentence-transformers', baselineName)),
    ];
    const { result } = await runJson([baselineDir, ...folders].flatMap((dir) => ['--model', dir]));
    const [original, ...layouts] = result.models;
    expect(original.quality).not.toBeNull();
    expect(original.manifest.prefixes).toEqual(prefixes);
    expect(layouts.map((m) => m.name)).toEqual([`${baselineName}#2`, `${baselineName}#3`, `${baselineName}#4`]);
    for (const m of layouts) {
      expect(m.manifest).toMatchObject({ pooling: fixture.pooling, normalize: fixture.normalize, maxLength: fixture.maxLength, prefixes, dimension: fixture.dimension, checkpoint: 'baseline', family: fixture.family });
      expect(m.quality).toEqual(original.quality);
    }
    expect(layouts[1].manifest.graph).toBe(path.join('onnx', 'model.onnx'));
  });

  it('shows what xlir inspect finds and infers, and where each setting comes from', async () => {
    const dir = buildSentenceTransformersFolder(readSourceModel(baselineDir), path.join(tempDir('xlir-inspect-'), 'st-model'));
    const r = await cli(['inspect', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(sentence-transformers layout, no manifest.json)');
    expect(r.stdout).toMatch(/pooling\s+"mean"\s+1_Pooling\/config\.json/);
    expect(r.stdout).toMatch(/normalize\s+true\s+modules\.json \(Normalize\)/);
    expect(r.stdout).toMatch(new RegExp(`maxLength\\s+${fixture.maxLength}\\s+sentence_bert_config\\.json max_seq_length`));
    expect(r.stdout).toMatch(/int8\s+made by XLIR Bench on first use/);
    expect(r.stdout).toContain(`Ready: xlir run --model ${dir}`);
  });
});

describe('a folder that is not a model', () => {
  it('fails before any dataset work, says what is missing and how to fix it, and leaves nothing in the history', async () => {
    const home = tempDir('xlir-home-');
    const dir = tempDir('xlir-not-a-model-');
    fs.writeFileSync(path.join(dir, 'config.json'), '{"model_type": "bert"}');
    fs.writeFileSync(path.join(dir, 'model.safetensors'), 'weights');
    const r = await cli(['run', '--model', dir, '--data-dir', dataDir], { XLIR_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('holds no ONNX graph');
    expect(r.stderr).toContain('export.export_hf');
    expect(r.stderr).toContain('tokenizer.json not found');
    expect(r.stderr).not.toContain('[dataset]');
    expect(JSON.parse((await cli(['history', '--json'], { XLIR_HOME: home })).stdout)).toEqual([]);

    const inspect = await cli(['inspect', dir]);
    expect(inspect.code).toBe(1);
    expect(inspect.stdout).toMatch(/Cannot run[\s\S]*Fix: Export it to ONNX/);
  });

  it('is listed by xlir models with the reason, and an empty subfolder is skipped with its reason', async () => {
    const root = tempDir('xlir-models-');
    fs.mkdirSync(path.join(root, 'weights-only'));
    fs.writeFileSync(path.join(root, 'weights-only', 'config.json'), '{}');
    fs.mkdirSync(path.join(root, 'notes'));
    const r = await cli(['models', '--model-dir', root]);
    expect(r.stdout).toMatch(new RegExp(`broken: ${path.join(root, 'weights-only')}: [\\s\\S]*holds no ONNX graph`));
    expect(r.stdout).toMatch(new RegExp(`skipped: ${path.join(root, 'notes')}: no manifest.json, model.onnx`));
  });
});

describe('precision variants of a baseline/hybrid pair', () => {
  it('xlir run --variant int8 reports latency and mAP per precision, the mAP loss with its interval, and int8 with int8', async () => {
    const { result, stdout } = await runJson(['--model', baselineDir, '--model', hybridDir, '--variant', 'int8'], { XLIR_CACHE_DIR: tempDir('xlir-cache-') });
    expect(result.models.map((m) => m.name)).toEqual([baselineName, `${baselineName}@int8`, hybridName, `${hybridName}@int8`]);
    expect(result.precision).toHaveLength(2);
    for (const table of result.precision!) {
      const [graph, int8] = table.rows;
      expect([graph.variant, graph.precision, int8.variant, int8.precision, int8.derived]).toEqual([null, 'fp32', 'int8', 'int8', true]);
      expect(int8.bytes).toBeLessThan(graph.bytes * 0.8);
      expect(int8.p50Ms).toBeGreaterThan(0);
      const multilingual = int8.quality.find((q) => q.setting === 'multilingual')!;
      expect(multilingual.map).toBeGreaterThan(0);
      expect(multilingual.ciLow!).toBeLessThanOrEqual(multilingual.difference!);
      expect(multilingual.ciHigh!).toBeGreaterThanOrEqual(multilingual.difference!);
    }
    const int8Run = result.models[1];
    expect(int8Run.variant).toMatchObject({ name: 'int8', derived: { source: { file: path.join(baselineDir, 'model.onnx') } } });
    expect(result.comparisons.map((c) => `${c.baseline} -> ${c.candidate}`)).toEqual([`${baselineName} -> ${hybridName}`, `${baselineName}@int8 -> ${hybridName}@int8`]);
    expect(stdout).toMatch(new RegExp(`Precision: ${baselineName}[\\s\\S]*\\(graph\\)\\s+fp32[\\s\\S]*int8\\s+int8\\*`));

    const html = renderHtmlReport([{ result, machine: { id: 'm', label: 'this machine' } }]);
    expect(html).toContain(`Precision: ${hybridName}`);
    expect(html).toContain('sentence alone');
  });
});

describe('xlir variants', () => {
  it('writes a derived variant beside the graph, where the loader finds it by name, byte for byte the cached one', async () => {
    const dir = buildTransformersJsFolder(readSourceModel(baselineDir), path.join(tempDir('xlir-variants-'), 'model'));
    const made = await cli(['variants', dir, '--make', 'int8']);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`wrote ${path.join(dir, 'onnx', 'model_int8.onnx')}`);
    expect(made.stdout).toMatch(/int8\s+onnx\/model_int8\.onnx/);
    expect(made.stdout).toMatch(/fp16\s+made from the graph on first use/);
    const cache = tempDir('xlir-cache-');
    const cached = await derivedVariantFile(path.join(dir, 'onnx', 'model.onnx'), 'int8', { XLIR_CACHE_DIR: cache });
    expect(fs.readFileSync(cached.file).equals(fs.readFileSync(path.join(dir, 'onnx', 'model_int8.onnx')))).toBe(true);
    expect((await cli(['variants', dir, '--make', 'int4'])).code).toBe(2);
  });
});
