import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../main/engine/models/load-model.ts';
import { sha256Model } from '../../main/engine/models/file-hash.ts';
import { readOnnxModel } from '../../main/engine/roofline/onnx-model.ts';
import { ensureReplica, generateReplica } from '../../main/engine/replicas/generate-replica.ts';
import { findReplica, parameterCount, REPLICAS } from '../../main/engine/replicas/replica-catalog.ts';
import { remapSpecialIds, replicaTokenizer, standInTokenizerFile } from '../../main/engine/replicas/replica-tokenizer.ts';
import { serveFolder, type FileServer } from '../datasets/file-server.ts';
import { tempModelsDir, tinyReplica, tokenizerFile } from './tiny-replicas.ts';

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function encode(dir: string, texts: string[]): Promise<Float32Array> {
  const encoder = await loadModel(dir);
  try {
    return await encoder.run(encoder.tokenize(texts, 'query'));
  } finally {
    await encoder.dispose();
  }
}

describe('replica catalogue', () => {
  it('finds a replica by its folder name, the Hub id or its last part, in any case', () => {
    expect(findReplica('xlm-roberta-base-replica')?.hubId).toBe('FacebookAI/xlm-roberta-base');
    expect(findReplica('FacebookAI/XLM-RoBERTa-Large')?.name).toBe('xlm-roberta-large-replica');
    expect(findReplica('LaBSE')?.name).toBe('labse-replica');
    expect(findReplica('bert-base-uncased')).toBeUndefined();
    expect(REPLICAS.map((r) => r.name)).toEqual(['xlm-roberta-base-replica', 'xlm-roberta-large-replica', 'labse-replica', 'paraphrase-multilingual-minilm-l12-v2-replica', 'multilingual-e5-small-replica']);
  });

  it('counts the parameters of XLMRobertaModel (without its unused pooler) and of XLM-R large', () => {
    const pooler = (h: number) => h * h + h;
    expect(parameterCount(findReplica('xlm-roberta-base')!.architecture) + pooler(768)).toBe(278_043_648);
    expect(parameterCount(findReplica('xlm-roberta-large')!.architecture) + pooler(1024)).toBe(559_890_432);
  });
});

describe('generateReplica', () => {
  it('writes the same bytes every time: the sha256 of a small replica is pinned', async () => {
    const spec = tinyReplica('xlm-roberta-base');
    const tokenizer = { file: tokenizerFile(spec, ['hello', 'world']) };
    const [a, b] = await Promise.all([generateReplica(spec, tempModelsDir('a'), { tokenizer }), generateReplica(spec, tempModelsDir('b'), { tokenizer })]);
    expect(sha256(a.files[0])).toBe(sha256(b.files[0]));
    // Pinned: a change of graph, weights or framing must bump GENERATOR_VERSION and this hash together.
    expect(sha256(a.files[0])).toBe('aa3b8d790ca90903b683755d79b0c1a5f643bb676bdb6a5d7d2b4c76805c34b4');
    expect(await sha256Model(path.join(a.dir, 'model.onnx'))).toBe(sha256(a.files[0]));
  });

  it('writes a model folder the loader accepts, with a replica manifest that says where its weights come from', async () => {
    const spec = tinyReplica('multilingual-e5-small');
    const { dir, manifest } = await generateReplica(spec, tempModelsDir('e5'), { tokenizer: { file: tokenizerFile(spec, ['hello', 'world']) } });
    expect(dir.endsWith('multilingual-e5-small-replica')).toBe(true);
    expect(manifest).toMatchObject({ name: 'multilingual-e5-small-replica', checkpoint: 'replica', pooling: 'mean', maxLength: 512, prefixes: { query: 'query: ', passage: 'passage: ' }, output: 'last_hidden_state', dimension: 16 });
    expect(manifest.provenance).toMatch(/seeded weights \(seed 0, generator version \d+\).*Quality is meaningless/);
    expect(manifest.tokenizerStandIn).toBeUndefined();
    const vectors = await encode(dir, ['hello world', 'hello']);
    expect(vectors).toHaveLength(2 * 16);
    const norm = Math.hypot(...vectors.slice(0, 16));
    expect(norm).toBeCloseTo(1, 5);
    expect(readdirSync(path.dirname(dir))).toEqual(['multilingual-e5-small-replica']); // no temporary folder left
  });

  it("has XLM-R's padding-offset positions, and LaBSE's CLS → Dense → tanh head in the graph", async () => {
    const xlmr = tinyReplica('xlm-roberta-base');
    const labse = tinyReplica('labse');
    const [x, l] = await Promise.all([
      generateReplica(xlmr, tempModelsDir('ops-x'), { tokenizer: { file: tokenizerFile(xlmr, ['a']) } }),
      generateReplica(labse, tempModelsDir('ops-l'), { tokenizer: { file: tokenizerFile(labse, ['a']) } }),
    ]);
    const ops = async (dir: string) => new Set((await readOnnxModel(path.join(dir, 'model.onnx'))).nodes.map((n) => n.opType));
    const xOps = await ops(x.dir);
    const lOps = await ops(l.dir);
    expect(xOps).toContain('CumSum');
    expect(lOps).not.toContain('CumSum');
    for (const op of ['Erf', 'Softmax', 'MatMul', 'ReduceMean']) expect(xOps).toContain(op);
    for (const op of ['Gemm', 'Tanh']) expect(lOps).toContain(op);
    expect(l.manifest).toMatchObject({ pooling: 'none', output: 'sentence_embedding', maxLength: 256 });
    expect(await encode(l.dir, ['a'])).toHaveLength(16);
  });

  it('keeps the weights of a model over the inline limit in model.onnx_data, and computes the same vectors', async () => {
    const spec = tinyReplica('paraphrase-multilingual-minilm-l12-v2');
    const tokenizer = { file: tokenizerFile(spec, ['hello', 'world']) };
    const inline = await generateReplica(spec, tempModelsDir('inline'), { tokenizer });
    const external = await generateReplica(spec, tempModelsDir('external'), { tokenizer, inlineLimitBytes: 1000 });
    expect(external.files.map((f) => path.basename(f))).toEqual(['model.onnx', 'model.onnx_data']);
    expect(readFileSync(external.files[0]).length).toBeLessThan(readFileSync(inline.files[0]).length / 2);
    expect(Array.from(await encode(external.dir, ['hello world']))).toEqual(Array.from(await encode(inline.dir, ['hello world'])));
    // The run's sha256 covers the weights too.
    const before = await sha256Model(path.join(external.dir, 'model.onnx'));
    const data = readFileSync(external.files[1]);
    data[data.length - 1] ^= 1;
    writeFileSync(external.files[1], data);
    expect(await sha256Model(path.join(external.dir, 'model.onnx'))).not.toBe(before);
  });

  it('reuses a complete folder and refuses a disk without room', async () => {
    const spec = tinyReplica('xlm-roberta-base');
    const modelsDir = tempModelsDir('ensure');
    const tokenizer = { file: tokenizerFile(spec, ['a']) };
    const first = await ensureReplica(spec, modelsDir, { tokenizer });
    expect(first.generated).toBeDefined();
    const again = await ensureReplica(spec, modelsDir, { tokenizer });
    expect(again).toEqual({ dir: first.dir });
    const huge = { ...spec, architecture: { ...spec.architecture, vocabSize: 1e12 } };
    await expect(generateReplica(huge, tempModelsDir('huge'), { tokenizer })).rejects.toThrow(/GB free, the replica needs .* GB/);
  });
});

describe('replica tokenizers', () => {
  let server: FileServer;
  let hubDir: string;
  beforeAll(async () => {
    hubDir = tempModelsDir('hub');
    writeFileSync(path.join(hubDir, 'tokenizer.json'), readFileSync(tokenizerFile(tinyReplica('labse'), ['real'])));
    server = await serveFolder(hubDir, { 'intfloat/multilingual-e5-small/resolve/main/tokenizer.json': 503 });
  });
  afterAll(() => server.close());

  it('downloads the real tokenizer from the Hub when it can, else stands in and says why', async () => {
    const spec = findReplica('labse')!;
    const empty = tempModelsDir('no-cache');
    const real = await replicaTokenizer(spec, { hubUrl: server.baseUrl.replace(/\/$/, ''), hubCacheDir: empty });
    expect(server.requests).toEqual(['sentence-transformers/LaBSE/resolve/main/tokenizer.json']);
    expect(real.source).toMatch(/^tokenizer\.json from http:.*LaBSE/);
    expect(real.standInReason).toBeUndefined();
    expect(JSON.parse(real.text).model.vocab.real).toBeDefined();
    const hubUrl = server.baseUrl.replace(/\/$/, '');
    const offline = await replicaTokenizer(findReplica('multilingual-e5-small')!, { hubUrl, hubCacheDir: empty });
    expect(offline.standInReason).toBe(`${hubUrl}/intfloat/multilingual-e5-small/resolve/main/tokenizer.json could not be downloaded: HTTP 503 Service Unavailable`);
    expect(offline.source).toMatch(/STAND-IN/);
  });

  it('takes the tokenizer from the Hugging Face cache before any download', async () => {
    const spec = findReplica('xlm-roberta-base')!;
    const cache = tempModelsDir('hf-cache');
    const snapshot = path.join(cache, 'models--FacebookAI--xlm-roberta-base', 'snapshots', 'abc123');
    mkdirSync(snapshot, { recursive: true });
    writeFileSync(path.join(snapshot, 'tokenizer.json'), '{"model":{"vocab":{}},"added_tokens":[]}');
    const found = await replicaTokenizer(spec, { hubCacheDir: cache, offline: true });
    expect(found.source).toContain(path.join(snapshot, 'tokenizer.json'));
    expect(found.standInReason).toBeUndefined();
  });

  it("moves the stand-in's special tokens to the real model's ids, keeping the vocabulary contiguous", () => {
    // XLM-R's ids: <s> 0, <pad> 1, </s> 2, <unk> 3, then "a" 4 and "b" 5.
    const base = JSON.parse(readFileSync(tokenizerFile(tinyReplica('xlm-roberta-base'), ['a', 'b']), 'utf8'));
    const remapped = remapSpecialIds(base, { '[CLS]': 4, '[PAD]': 0, '[SEP]': 5, '[UNK]': 1 });
    const vocab = remapped.model.vocab;
    expect(['[CLS]', '[PAD]', '[SEP]', '[UNK]'].map((t) => vocab[t])).toEqual([4, 0, 5, 1]);
    expect(Object.values(vocab).sort((x, y) => x - y)).toEqual([...Array(Object.keys(vocab).length).keys()]);
    expect(remapped.post_processor?.special_tokens?.['[SEP]'].ids).toEqual([5]);
    expect(remapped.added_tokens.find((t) => t.content === '[PAD]')?.id).toBe(0);
    const far = remapSpecialIds(base, { '[CLS]': 200, '[PAD]': 0, '[SEP]': 102, '[UNK]': 100 }).model.vocab;
    expect(far['[CLS]']).toBe(200);
    expect(Object.values(far).sort((x, y) => x - y)).toEqual([...Array(Object.keys(far).length).keys()]);
  });

  it('records, for a stand-in, that it is one and its tokens per XQuAD-R question per language', async () => {
    // A vocabulary just big enough for the stand-in (the replicas module's WordPiece) keeps the graph small.
    const standInSize = Object.keys(JSON.parse(readFileSync(standInTokenizerFile(), 'utf8')).model.vocab).length;
    // Pinned: the former bundled xlir-mini WordPiece (stand-in-tokenizer/README.md); another file changes every stand-in's token counts.
    expect([standInSize, sha256(standInTokenizerFile())]).toEqual([14_000, 'e0f5a2ac7d14f806a875ddfc938466eb4fb596cf204e7e2c9910e44ea70e7c42']);
    const spec = tinyReplica('xlm-roberta-base', { vocabSize: standInSize + 8 });
    const { dir, manifest } = await generateReplica(spec, tempModelsDir('standin'), { tokenizer: { offline: true, hubCacheDir: tempModelsDir('none') } });
    const standIn = manifest.tokenizerStandIn!;
    expect(standIn.reason).toMatch(/^stand-in for FacebookAI\/xlm-roberta-base's tokenizer \(not downloaded, offline; the real one is https:.*\): token counts per text, and so latency per query, differ/);
    expect(Object.keys(standIn.tokensPerQuestion)).toEqual(['ar', 'de', 'el', 'en', 'es', 'hi', 'ru', 'th', 'tr', 'vi', 'zh']);
    for (const counts of Object.values(standIn.tokensPerQuestion)) expect(counts).toEqual({ standIn: expect.any(Number), real: null });
    const vocab = JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8')).model.vocab;
    expect([vocab['[CLS]'], vocab['[PAD]'], vocab['[SEP]'], vocab['[UNK]']]).toEqual([0, 1, 2, 3]);
    expect(existsSync(path.join(dir, 'manifest.json'))).toBe(true);
  });
});
