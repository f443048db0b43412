import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { readSafetensors } from '../../main/engine/models/dense-layers.ts';
import { inspectModelFolder } from '../../main/engine/models/inspect-model.ts';
import { loadModel } from '../../main/engine/models/load-model.ts';
import { examineModelFolder } from '../../main/engine/models/model-folder.ts';
import { l2NormalizeRows, meanPool } from '../../main/engine/models/pooling.ts';
import { encodeOnnxModel, OnnxDataType, type OnnxModel } from '../../main/engine/roofline/onnx-model.ts';
import { TINY_ENCODER } from './tiny-encoder-copy.ts';

const roots: string[] = [];
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value));
};

/** A folder named `name` holding the tiny encoder's graph (at `graph`) and tokenizer, and `files`. */
function folder(name: string, files: Record<string, unknown> = {}, graph = 'model.onnx'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'xlir-folder-'));
  roots.push(root);
  const dir = path.join(root, name);
  fs.mkdirSync(path.dirname(path.join(dir, graph)), { recursive: true });
  fs.copyFileSync(path.join(TINY_ENCODER, 'model.onnx'), path.join(dir, graph));
  fs.copyFileSync(path.join(TINY_ENCODER, 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
  for (const [file, value] of Object.entries(files)) {
    if (value instanceof Uint8Array) fs.writeFileSync(path.join(dir, file), value);
    else writeJson(path.join(dir, file), value);
  }
  return dir;
}

const bertConfig = { model_type: 'bert', hidden_size: 32, num_hidden_layers: 2, max_position_embeddings: 64, pad_token_id: 0 };

/** A safetensors file as sentence-transformers writes a Dense layer's weights. */
function safetensors(tensors: Record<string, { shape: number[]; values: Float32Array }>): Uint8Array {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.values.byteLength] };
    offset += t.values.byteLength;
  }
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  return Buffer.concat([length, json, ...Object.values(tensors).map((t) => Buffer.from(t.values.buffer))]);
}

const known = async (dir: string) => {
  const { folder: found, problems } = await examineModelFolder(dir);
  if (!found) throw new Error(problems.map((p) => p.problem).join('; '));
  return found;
};

describe('a folder without a manifest', () => {
  it('Optimum layout: pooling assumed mean, cosine (normalised), max length from the tokenizer config, name, family and checkpoint from the folder name', async () => {
    const dir = folder('labse-small-hybrid', { 'config.json': bertConfig, 'tokenizer_config.json': { model_max_length: 48 } });
    const encoder = await loadModel(dir);
    expect(encoder.manifest).toMatchObject({ name: 'labse-small-hybrid', family: 'labse-small', checkpoint: 'hybrid', pooling: 'mean', normalize: true, maxLength: 48, output: 'last_hidden_state', dimension: 32, prefixes: { query: '', passage: '' } });
    expect(encoder.inference.sources).toMatchObject({ pooling: expect.stringMatching(/^assumed/), maxLength: 'tokenizer_config.json model_max_length', checkpoint: 'the folder name ("hybrid")' });
    expect(encoder.inference.notes.join('\n')).toMatch(/prefixes: none/);
    await encoder.dispose();
  });

  it('gives a folder whose name says no checkpoint the family of its config and checkpoint "other"', async () => {
    const found = await known(folder('my-encoder', { 'config.json': bertConfig }));
    expect(found.known.family).toEqual({ value: 'bert-2x32', from: 'config.json (model_type, layers x width)' });
    expect(found.known.checkpoint?.value).toBe('other');
    expect(found.known.maxLength).toEqual({ value: 64, from: 'config.json max_position_embeddings' });
  });

  it('counts RoBERTa-style positions after the padding offset', async () => {
    const found = await known(folder('xlmr', { 'config.json': { ...bertConfig, model_type: 'xlm-roberta', max_position_embeddings: 514, pad_token_id: 1 } }));
    expect(found.known.maxLength?.value).toBe(512);
  });

  it('transformers.js layout: graph and variant files under onnx/, a manifest that says only the prefixes', async () => {
    const dir = folder('e5-tiny', { 'config.json': bertConfig, 'manifest.json': { prefixes: { query: 'query: ', passage: 'passage: ' } } }, path.join('onnx', 'model.onnx'));
    fs.copyFileSync(path.join(dir, 'onnx', 'model.onnx'), path.join(dir, 'onnx', 'model_quantized.onnx'));
    const found = await known(dir);
    expect(found.layout).toBe('transformers.js');
    expect(found.graphFile).toBe(path.join(dir, 'onnx', 'model.onnx'));
    expect(found.known.variants?.value).toEqual({ quantized: path.join('onnx', 'model_quantized.onnx') });
    expect(found.known.prefixes).toEqual({ value: { query: 'query: ', passage: 'passage: ' }, from: 'manifest.json' });
    const encoder = await loadModel(dir, { variant: 'quantized' });
    expect(encoder.graph.file).toBe(path.join(dir, 'onnx', 'model_quantized.onnx'));
    expect(encoder.manifest.graph).toBe(path.join('onnx', 'model.onnx'));
    await encoder.dispose();
  });

  it('sentence-transformers layout: pooling, Normalize, prompts (passage from "document"), max length and similarity', async () => {
    const dir = folder(
      'st-model',
      {
        'modules.json': [
          { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
          { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        ],
        '1_Pooling/config.json': { word_embedding_dimension: 32, pooling_mode_max_tokens: true },
        'config_sentence_transformers.json': { prompts: { query: 'Q: ', document: 'D: ' }, similarity_fn_name: 'dot' },
        'sentence_bert_config.json': { max_seq_length: 40, do_lower_case: false },
      },
      path.join('onnx', 'model.onnx'),
    );
    const encoder = await loadModel(dir);
    expect(encoder.manifest).toMatchObject({ pooling: 'max', normalize: false, maxLength: 40, prefixes: { query: 'Q: ', passage: 'D: ' } });
    expect(encoder.inference.sources).toMatchObject({ pooling: path.join('1_Pooling', 'config.json'), normalize: 'config_sentence_transformers.json similarity_fn_name "dot"', maxLength: 'sentence_bert_config.json max_seq_length' });
    await encoder.dispose();
  });

  it('applies a Dense layer with tanh after pooling exactly, then Normalize', async () => {
    const inFeatures = 32;
    const outFeatures = 8;
    const weight = Float32Array.from({ length: outFeatures * inFeatures }, (_, i) => Math.sin(i * 0.7) * 0.5);
    const bias = Float32Array.from({ length: outFeatures }, (_, i) => i * 0.01 - 0.03);
    const dir = folder('dense-model', {
      'modules.json': [
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Dense', type: 'sentence_transformers.models.Dense' },
        { idx: 3, name: '3', path: '3_Normalize', type: 'sentence_transformers.models.Normalize' },
      ],
      '1_Pooling/config.json': { word_embedding_dimension: 32, pooling_mode_mean_tokens: true },
      '2_Dense/config.json': { in_features: inFeatures, out_features: outFeatures, bias: true, activation_function: 'torch.nn.modules.activation.Tanh' },
      'sentence_bert_config.json': { max_seq_length: 64 },
    });
    fs.writeFileSync(path.join(dir, '2_Dense', 'model.safetensors'), safetensors({ 'linear.weight': { shape: [outFeatures, inFeatures], values: weight }, 'linear.bias': { shape: [outFeatures], values: bias } }));

    const encoder = await loadModel(dir);
    expect(encoder.manifest.dense).toEqual([{ path: '2_Dense', inFeatures, outFeatures, bias: true, activation: 'tanh' }]);
    expect(encoder.dimension).toBe(outFeatures);
    const texts = ['Hello world', 'Where is the longest river in the world?'];
    const batch = encoder.tokenize(texts, 'passage');
    const vectors = await encoder.run(batch);

    // By hand: the graph's token states, mean-pooled, W·x + b, tanh, L2-normalised.
    const raw = (await encoder.bareRun(encoder.feeds(batch))).last_hidden_state.data as Float32Array;
    const pooled = meanPool(raw, batch.lengths, batch.sequenceLength, inFeatures);
    const expected = new Float32Array(texts.length * outFeatures);
    for (let b = 0; b < texts.length; b++) {
      for (let o = 0; o < outFeatures; o++) {
        let sum = bias[o];
        for (let i = 0; i < inFeatures; i++) sum += weight[o * inFeatures + i] * pooled[b * inFeatures + i];
        expected[b * outFeatures + o] = Math.tanh(sum);
      }
    }
    l2NormalizeRows(expected, outFeatures);
    for (let i = 0; i < expected.length; i++) expect(vectors[i]).toBeCloseTo(expected[i], 6);
    await encoder.dispose();
  });

  it('refuses a Dense layer stored as a torch pickle, with the command that converts it', async () => {
    const dir = folder('pickle-dense', {
      'modules.json': [
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '2_Dense', type: 'sentence_transformers.models.Dense' },
      ],
      '2_Dense/config.json': { in_features: 32, out_features: 4 },
      'sentence_bert_config.json': { max_seq_length: 64 },
    });
    fs.writeFileSync(path.join(dir, '2_Dense', 'pytorch_model.bin'), 'pickle');
    await expect(loadModel(dir)).rejects.toThrow(/torch pickle[\s\S]*safetensors/);
  });

  it('says which modules it cannot reproduce, and how to get a graph that contains them', async () => {
    const dir = folder('odd-pooling', {
      'modules.json': [
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Custom', type: 'my_package.MyLayer' },
      ],
      '1_Pooling/config.json': { pooling_mode_weightedmean_tokens: true },
      'sentence_bert_config.json': { max_seq_length: 64 },
    });
    const error = (await loadModel(dir).catch((e: unknown) => e)) as XlirError;
    expect(error.code).toBe('MODULE_UNSUPPORTED');
    expect(error.message).toContain('pooling weightedmean');
    expect(error.message).toContain('my_package.MyLayer');
    expect(error.message).toContain('sentence_embedding');
  });

  it('refuses do_lower_case when the tokenizer does not lowercase itself', async () => {
    const dir = folder('lower', { 'sentence_bert_config.json': { max_seq_length: 64, do_lower_case: true } });
    const tokenizer = JSON.parse(fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
    // The tiny tokenizer lowercases (BertNormalizer): accepted as it is, refused without it.
    expect((await examineModelFolder(dir)).problems).toEqual([]);
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({ ...tokenizer, normalizer: { type: 'NFKC' } }));
    expect((await examineModelFolder(dir)).problems.map((p) => p.code)).toEqual(['MODULE_UNSUPPORTED']);
  });

  it('lets manifest.json override anything inferred', async () => {
    const dir = folder('overridden-baseline', { 'config.json': bertConfig, 'manifest.json': { name: 'mine', family: 'fam', pooling: 'cls', normalize: false, maxLength: 16, candidateContext: 'paragraph' } });
    const encoder = await loadModel(dir);
    expect(encoder.manifest).toMatchObject({ name: 'mine', family: 'fam', checkpoint: 'baseline', pooling: 'cls', normalize: false, maxLength: 16, candidateContext: 'paragraph' });
    expect(encoder.inference.sources.pooling).toBe('manifest.json');
    await encoder.dispose();
  });
});

/** input_ids, attention_mask, token_type_ids → token states (word + type embeddings) and a mean-free sentence vector (first token). */
function typedGraph(): Uint8Array {
  const vocab = 334;
  const dim = 4;
  const words = Float32Array.from({ length: vocab * dim }, (_, i) => Math.sin(i));
  const types = Float32Array.from({ length: 2 * dim }, (_, i) => (i < dim ? 0 : 100));
  const node = (opType: string, inputs: string[], outputs: string[], attributes = {}) => ({ opType, domain: '', name: outputs[0], inputs, outputs, attributes });
  const model: OnnxModel = {
    irVersion: 8,
    opset: 17,
    producer: 'test',
    nodes: [
      node('Gather', ['words', 'input_ids'], ['w']),
      node('Gather', ['types', 'token_type_ids'], ['t']),
      node('Add', ['w', 't'], ['last_hidden_state']),
      node('Constant', [], ['zero'], { value: { tensor: { name: 'zero', dataType: OnnxDataType.int64, dims: [], data: new Uint8Array(8) } } }),
      node('Gather', ['last_hidden_state', 'zero'], ['sentence_embedding'], { axis: { int: 1 } }),
      node('Cast', ['attention_mask'], ['unused_mask'], { to: { int: OnnxDataType.float } }),
    ],
    initializers: [
      { name: 'words', dataType: OnnxDataType.float, dims: [vocab, dim], data: new Uint8Array(words.buffer) },
      { name: 'types', dataType: OnnxDataType.float, dims: [2, dim], data: new Uint8Array(types.buffer) },
    ],
    inputs: ['input_ids', 'attention_mask', 'token_type_ids'].map((name) => ({ name, elemType: OnnxDataType.int64, dims: ['batch', 'sequence'] })),
    outputs: [
      { name: 'last_hidden_state', elemType: OnnxDataType.float, dims: ['batch', 'sequence', dim] },
      { name: 'sentence_embedding', elemType: OnnxDataType.float, dims: ['batch', dim] },
      { name: 'unused_mask', elemType: OnnxDataType.float, dims: ['batch', 'sequence'] },
    ],
    valueInfo: [],
  };
  return encodeOnnxModel(model);
}

describe('what only the graph says', () => {
  it('feeds token_type_ids when the graph has them, and reads a sentence_embedding output as it is (modules inside it)', async () => {
    const dir = folder('typed', {
      'config.json': bertConfig,
      'modules.json': [
        { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
        { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
        { idx: 2, name: '2', path: '2_Dense', type: 'sentence_transformers.models.Dense' },
      ],
      '1_Pooling/config.json': { pooling_mode_cls_token: true },
      '2_Dense/config.json': { in_features: 4, out_features: 4 },
    });
    fs.writeFileSync(path.join(dir, 'model.onnx'), typedGraph());
    const encoder = await loadModel(dir);
    expect(encoder.manifest).toMatchObject({ inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' }, output: 'sentence_embedding', pooling: 'none', dimension: 4 });
    expect(encoder.manifest.dense).toBeUndefined();
    expect(encoder.inference.notes.join('\n')).toMatch(/inside the graph's "sentence_embedding"/);

    // A text with context is a pair: [CLS] text [SEP] context [SEP], the context's tokens of type 1.
    const batch = encoder.tokenize([{ text: 'hello', context: 'world' }, 'hello'], 'passage');
    const feeds = encoder.feeds(batch);
    expect(Object.keys(feeds).sort()).toEqual(['attention_mask', 'input_ids', 'token_type_ids']);
    const types = Array.from(feeds.token_type_ids.data as BigInt64Array, Number);
    const row = batch.sequenceLength;
    const text = batch.lengths[1] - 2; // row 1 is [CLS] hello [SEP]
    const context = batch.lengths[0] - 3 - text;
    // The tiny tokenizer's template gives the final [SEP] type 0, and the engine follows the template.
    expect(types.slice(0, batch.lengths[0])).toEqual([0, ...new Array(text).fill(0), 0, ...new Array(context).fill(1), 0]);
    expect(types.slice(row)).toEqual(new Array(row).fill(0));
    await encoder.dispose();
  });

  it('lists every problem of a broken folder at once, with its fix', async () => {
    const dir = folder('broken', { 'config_sentence_transformers.json': { similarity_fn_name: 'manhattan' } });
    fs.rmSync(path.join(dir, 'tokenizer.json'));
    fs.rmSync(path.join(dir, 'model.onnx'));
    fs.writeFileSync(path.join(dir, 'model.safetensors'), 'weights');
    const inspection = await inspectModelFolder(dir);
    expect(inspection.problems.map((p) => p.code)).toEqual(['MODEL_FILE_MISSING', 'MODEL_FILE_MISSING']);
    expect(inspection.problems[0].fix).toMatch(/export onnx/);
    expect(inspection.problems[1].fix).toMatch(/save_pretrained/);
    expect(inspection.found).toEqual(['config_sentence_transformers.json', 'model.safetensors']);
  });

  it('inspects a working folder: graph, settings with sources, variants it has and those it can make', async () => {
    const dir = folder('inspected-baseline', { 'config.json': bertConfig });
    const inspection = await inspectModelFolder(dir);
    expect(inspection.problems).toEqual([]);
    expect(inspection.layout).toBe('optimum');
    expect(inspection.graph).toMatchObject({ file: 'model.onnx', precision: 'fp32', inputs: [{ name: 'input_ids', type: 'int64' }, { name: 'attention_mask', type: 'int64' }] });
    expect(inspection.manifest?.checkpoint).toBe('baseline');
    expect(inspection.sources.dimension).toBe('the graph (output "last_hidden_state")');
    expect(inspection.variants.map((v) => [v.name, v.file, v.precision])).toEqual([
      ['int8', null, 'int8'],
      ['fp16', null, 'fp16'],
    ]);
  });
});

describe('readSafetensors', () => {
  it('reads F32 and F16 tensors and refuses a file whose offsets do not fit', () => {
    const f32 = safetensors({ a: { shape: [2], values: Float32Array.from([1.5, -2]) } });
    expect(Array.from(readSafetensors(f32, 'a.safetensors').get('a')!.values)).toEqual([1.5, -2]);
    const header = Buffer.from(JSON.stringify({ h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }));
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    const f16 = Buffer.concat([length, header, Buffer.from([0x00, 0x3c, 0x00, 0xc0])]);
    expect(Array.from(readSafetensors(f16, 'h.safetensors').get('h')!.values)).toEqual([1, -2]);
    expect(() => readSafetensors(f16.subarray(0, f16.length - 1), 'cut.safetensors')).toThrow(/cut.safetensors.*data_offsets/);
  });
});
