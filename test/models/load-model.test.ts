import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { loadModel } from '../../main/engine/models/load-model.ts';
import type { OnnxEncoder } from '../../main/engine/models/onnx-encoder.ts';
import { copyTinyEncoder, expectedCases, removeTinyEncoderCopies, TINY_ENCODER } from './tiny-encoder-copy.ts';

async function loadError(dir: string, options: Parameters<typeof loadModel>[1] = {}): Promise<XlirError> {
  const error = await loadModel(dir, options).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(XlirError);
  return error as XlirError;
}

function rowNorm(vectors: Float32Array, row: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += vectors[row * dim + d] ** 2;
  return Math.sqrt(sum);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('loadModel on the tiny fixture', () => {
  let encoder: OnnxEncoder;
  beforeAll(async () => {
    encoder = await loadModel(TINY_ENCODER, { intraOpThreads: 1, interOpThreads: 1, graphOptimizationLevel: 'all' });
  });
  afterAll(async () => {
    await encoder.dispose();
    removeTinyEncoderCopies();
  });

  it('reports the manifest, the provider that runs and no fallback', () => {
    expect(encoder.manifest.name).toBe('xlir-tiny-test');
    expect(encoder.dimension).toBe(32);
    expect(encoder.provider).toBe('cpu');
    expect(encoder.fallbackReason).toBeUndefined();
  });

  it('produces one unit-length vector of the manifest dimension per text', async () => {
    const vectors = await encoder.run(encoder.tokenize(['Hello world', 'Paris is the capital of France.'], 'passage'));
    expect(vectors).toBeInstanceOf(Float32Array);
    expect(vectors.length).toBe(2 * 32);
    expect(rowNorm(vectors, 0, 32)).toBeCloseTo(1, 5);
    expect(rowNorm(vectors, 1, 32)).toBeCloseTo(1, 5);
  });

  it('matches the ids and the torch vectors recorded with the fixture', async () => {
    for (const { text, ids, vector } of expectedCases()) {
      const batch = encoder.tokenize([text], 'query');
      expect(Array.from(batch.inputIds, Number)).toEqual(ids);
      expect(maxAbsDiff(await encoder.run(batch), vector)).toBeLessThan(1e-5);
    }
  });

  it('is deterministic across runs', async () => {
    const batch = encoder.tokenize(['What is the capital of France?'], 'query');
    const first = await encoder.run(batch);
    const second = await encoder.run(encoder.tokenize(['What is the capital of France?'], 'query'));
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it('gives each text of a padded batch the vector it gets alone', async () => {
    const texts = ['Hi', 'Where is the longest river in the whole world located?', 'Привет мир!'];
    const batch = encoder.tokenize(texts, 'passage');
    expect(new Set(batch.lengths).size).toBe(3); // rows really are padded differently
    const together = await encoder.run(batch);
    for (let i = 0; i < texts.length; i++) {
      const alone = await encoder.run(encoder.tokenize([texts[i]], 'passage'));
      expect(maxAbsDiff(together.subarray(i * 32, (i + 1) * 32), alone)).toBeLessThan(1e-5);
    }
  });

  it('returns an empty result for an empty batch', async () => {
    expect((await encoder.run(encoder.tokenize([], 'query'))).length).toBe(0);
  });

  it('exposes the exact feeds and session.run call that run() makes, for the overhead benchmark', async () => {
    const batch = encoder.tokenize(['Hello world'], 'query');
    const feeds = encoder.feeds(batch);
    expect(Object.keys(feeds).sort()).toEqual(['attention_mask', 'input_ids']);
    expect(feeds.input_ids.dims).toEqual([1, batch.sequenceLength]);
    expect(feeds.input_ids.type).toBe('int64');
    const raw = await encoder.bareRun(feeds);
    expect(Object.keys(raw)).toEqual(['last_hidden_state']);
    expect(raw.last_hidden_state.dims).toEqual([1, batch.sequenceLength, 32]);
  });
});

describe('loadModel checks the manifest against the graph', () => {
  afterAll(removeTinyEncoderCopies);

  it('rejects an output name the graph lacks, naming the expected and the found outputs', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, output: 'sentence_embedding' })));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toContain('"sentence_embedding"');
    expect(error.message).toContain('"last_hidden_state"');
    expect(error.message).toContain('manifest.json');
  });

  it('rejects a dimension the graph contradicts', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, dimension: 768 })));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toMatch(/last dimension 32.*dimension is 768/);
  });

  it('rejects pooling "none" on a [batch, sequence, dim] output', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, pooling: 'none' })));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toContain('rank 3');
  });

  it('rejects an input name the graph lacks', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, inputs: { inputIds: 'ids', attentionMask: 'attention_mask' } })));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toContain('inputs.inputIds is "ids"');
    expect(error.message).toContain('graph input "input_ids" is not fed');
  });

  it('rejects a declared token type input the graph does not have', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' } })));
    expect(error.code).toBe('MANIFEST_MISMATCH');
    expect(error.message).toContain('inputs.tokenTypeIds is "token_type_ids"');
  });
});

describe('loadModel reports broken model folders clearly', () => {
  afterAll(removeTinyEncoderCopies);

  it('garbage bytes in model.onnx → MODEL_INVALID naming the file and quoting ONNX Runtime', async () => {
    const dir = copyTinyEncoder();
    fs.writeFileSync(path.join(dir, 'model.onnx'), 'this is not a protobuf');
    const error = await loadError(dir);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.message).toContain(path.join(dir, 'model.onnx'));
    expect(error.message).toMatch(/Protobuf parsing failed/);
  });

  it('a truncated model.onnx → MODEL_INVALID', async () => {
    const dir = copyTinyEncoder();
    const bytes = fs.readFileSync(path.join(dir, 'model.onnx'));
    fs.writeFileSync(path.join(dir, 'model.onnx'), bytes.subarray(0, Math.floor(bytes.length / 3)));
    expect((await loadError(dir)).code).toBe('MODEL_INVALID');
  });

  it('a missing tokenizer.json → MODEL_FILE_MISSING naming it', async () => {
    const dir = copyTinyEncoder();
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    const error = await loadError(dir);
    expect(error.code).toBe('MODEL_FILE_MISSING');
    expect(error.message).toContain(path.join(dir, 'tokenizer.json'));
  });

  it('a missing model.onnx → MODEL_FILE_MISSING', async () => {
    const dir = copyTinyEncoder();
    fs.rmSync(path.join(dir, 'model.onnx'));
    expect((await loadError(dir)).code).toBe('MODEL_FILE_MISSING');
  });

  it('manifest.json that is not JSON → MANIFEST_INVALID naming the file', async () => {
    const dir = copyTinyEncoder();
    fs.writeFileSync(path.join(dir, 'manifest.json'), '{ "name": "x", ');
    const error = await loadError(dir);
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toContain(path.join(dir, 'manifest.json'));
    expect(error.message).toContain('not valid JSON');
  });

  it('a manifest field of the wrong kind → MANIFEST_INVALID naming the field', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, pooling: 'sum', maxLength: 'long' })));
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toMatch(/pooling:/);
    expect(error.message).toMatch(/maxLength:/);
  });

  it('a folder without manifest.json, graph or tokenizer says what a model folder holds', async () => {
    const dir = copyTinyEncoder();
    for (const file of ['manifest.json', 'model.onnx', 'tokenizer.json']) fs.rmSync(path.join(dir, file));
    const error = await loadError(dir);
    expect(error.code).toBe('MODEL_FILE_MISSING');
    expect(error.message).toContain('holds no ONNX graph');
    expect(error.message).toContain('onnx/model.onnx');
    expect(error.message).toContain('tokenizer.json not found');
  });

  it('a folder of PyTorch weights is told how to export them', async () => {
    const dir = copyTinyEncoder();
    fs.rmSync(path.join(dir, 'model.onnx'));
    fs.writeFileSync(path.join(dir, 'pytorch_model.bin'), 'weights');
    const error = await loadError(dir);
    expect(error.message).toContain('PyTorch checkpoint (pytorch_model.bin)');
    expect(error.message).toContain('export.export_hf');
  });
});

describe('loadModel options', () => {
  afterAll(removeTinyEncoderCopies);

  it('loads a variant the manifest lists and rejects one it does not', async () => {
    const dir = copyTinyEncoder((m) => ({ ...m, variants: { copy: 'variants/model.copy.onnx' } }));
    fs.mkdirSync(path.join(dir, 'variants'));
    fs.copyFileSync(path.join(dir, 'model.onnx'), path.join(dir, 'variants', 'model.copy.onnx'));
    fs.writeFileSync(path.join(dir, 'model.onnx'), 'broken, so only the variant can load');
    const encoder = await loadModel(dir, { variant: 'copy' });
    expect((await encoder.run(encoder.tokenize(['Hello world'], 'query'))).length).toBe(32);
    await encoder.dispose();
    const error = await loadError(dir, { variant: 'q4' });
    expect(error.code).toBe('VARIANT_UNKNOWN');
    expect(error.message).toContain('copy');
    expect(error.message).toContain('int8 and fp16');
  });

  it('refuses a variant path that leaves the model folder', async () => {
    const error = await loadError(copyTinyEncoder((m) => ({ ...m, variants: { evil: '../../etc/passwd' } })), { variant: 'evil' });
    expect(error.code).toBe('MANIFEST_INVALID');
    expect(error.message).toContain('outside the model folder');
  });

  it('rejects bad options with INVALID_OPTION naming them', async () => {
    const error = await loadError(TINY_ENCODER, { intraOpThreads: 0, executionProviders: [] });
    expect(error.code).toBe('INVALID_OPTION');
    expect(error.message).toContain('intraOpThreads');
    expect(error.message).toContain('executionProviders');
  });
});
