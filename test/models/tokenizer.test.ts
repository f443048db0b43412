import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { ModelManifestSchema, type ModelManifest } from '../../main/engine/models/manifest.ts';
import { loadTokenizer } from '../../main/engine/models/tokenizer.ts';
import { copyTinyEncoder, expectedCases, removeTinyEncoderCopies, TINY_ENCODER } from './tiny-encoder-copy.ts';

const CLS = 2;
const SEP = 3;
const PAD = 0;

function manifest(overrides: Partial<ModelManifest> = {}): ModelManifest {
  const base = JSON.parse(fs.readFileSync(path.join(TINY_ENCODER, 'manifest.json'), 'utf8'));
  return ModelManifestSchema.parse({ ...base, ...overrides });
}

function row(ids: BigInt64Array, sequenceLength: number, b: number): number[] {
  return Array.from(ids.subarray(b * sequenceLength, (b + 1) * sequenceLength), Number);
}

afterAll(removeTinyEncoderCopies);

describe('tokenize', () => {
  it('adds special tokens and gives the ids the fixture recorded', async () => {
    const tokenizer = await loadTokenizer(TINY_ENCODER, manifest());
    for (const { text, ids } of expectedCases()) {
      const batch = tokenizer.tokenize([text], 'query');
      expect(Array.from(batch.inputIds, Number)).toEqual(ids);
      expect(Array.from(batch.attentionMask, Number)).toEqual(ids.map(() => 1));
      expect(batch.lengths).toEqual([ids.length]);
    }
  });

  it('pads every row to the longest with the pad id and masks the padding', async () => {
    const tokenizer = await loadTokenizer(TINY_ENCODER, manifest());
    const [short, long] = expectedCases().slice(0, 2);
    const batch = tokenizer.tokenize([short.text, long.text], 'query');
    expect(batch.batchSize).toBe(2);
    expect(batch.sequenceLength).toBe(long.ids.length);
    const padding = long.ids.length - short.ids.length;
    expect(row(batch.inputIds, batch.sequenceLength, 0)).toEqual([...short.ids, ...Array(padding).fill(PAD)]);
    expect(row(batch.attentionMask, batch.sequenceLength, 0)).toEqual([...short.ids.map(() => 1), ...Array(padding).fill(0)]);
    expect(row(batch.inputIds, batch.sequenceLength, 1)).toEqual(long.ids);
    expect(batch.lengths).toEqual([short.ids.length, long.ids.length]);
  });

  it('truncates to maxLength and keeps the final [SEP]', async () => {
    const tokenizer = await loadTokenizer(TINY_ENCODER, manifest({ maxLength: 6 }));
    expect(tokenizer.trailingSpecialTokens).toBe(1);
    const full = (await loadTokenizer(TINY_ENCODER, manifest())).tokenize(['the capital of France is Paris'], 'query');
    const cut = tokenizer.tokenize(['the capital of France is Paris', 'hi'], 'query');
    expect(full.lengths[0]).toBeGreaterThan(6);
    expect(cut.sequenceLength).toBe(6);
    expect(cut.lengths[0]).toBe(6);
    expect(row(cut.inputIds, 6, 0)).toEqual([...Array.from(full.inputIds.subarray(0, 5), Number), SEP]);
    expect(row(cut.inputIds, 6, 0)[0]).toBe(CLS);
  });

  it('leaves texts that fit maxLength exactly as they are', async () => {
    const { text, ids } = expectedCases()[0];
    const tokenizer = await loadTokenizer(TINY_ENCODER, manifest({ maxLength: ids.length }));
    expect(Array.from(tokenizer.tokenize([text], 'query').inputIds, Number)).toEqual(ids);
  });

  it("adds the manifest's query and passage prefixes", async () => {
    const prefixed = await loadTokenizer(TINY_ENCODER, manifest({ prefixes: { query: 'Query: ', passage: 'Passage: ' } }));
    const plain = await loadTokenizer(TINY_ENCODER, manifest());
    const text = 'What is the capital of France?';
    const asQuery = prefixed.tokenize([text], 'query');
    const asPassage = prefixed.tokenize([text], 'passage');
    const bare = plain.tokenize([text], 'query');
    expect(Array.from(asQuery.inputIds)).toEqual(Array.from(plain.tokenize(['Query: ' + text], 'query').inputIds));
    expect(Array.from(asPassage.inputIds)).toEqual(Array.from(plain.tokenize(['Passage: ' + text], 'query').inputIds));
    expect(asQuery.lengths[0]).toBeGreaterThan(bare.lengths[0]);
    expect(Array.from(asQuery.inputIds)).not.toEqual(Array.from(asPassage.inputIds));
  });

  it('tokenizes an empty batch to an empty one', async () => {
    const batch = (await loadTokenizer(TINY_ENCODER, manifest())).tokenize([], 'query');
    expect(batch).toMatchObject({ batchSize: 0, sequenceLength: 0, lengths: [] });
  });
});

describe('loadTokenizer', () => {
  it("uses tokenizer_config.json's pad_token when there is one", async () => {
    const dir = copyTinyEncoder();
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ pad_token: { content: '[MASK]' } }));
    const tokenizer = await loadTokenizer(dir, manifest());
    expect(tokenizer.padId).toBe(4);
    const batch = tokenizer.tokenize(['a', 'a b c'], 'query');
    expect(row(batch.inputIds, batch.sequenceLength, 0).at(-1)).toBe(4);
  });

  it('rejects a tokenizer without a padding token, saying so', async () => {
    const dir = copyTinyEncoder();
    const file = path.join(dir, 'tokenizer.json');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replaceAll('"[PAD]"', '"[NOTPAD]"'));
    const error = await loadTokenizer(dir, manifest()).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(XlirError);
    expect((error as XlirError).code).toBe('TOKENIZER_INVALID');
    expect((error as XlirError).message).toContain('no padding token');
  });

  it('rejects a tokenizer.json that is not JSON or not a tokenizer', async () => {
    const dir = copyTinyEncoder();
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"model": ');
    await expect(loadTokenizer(dir, manifest())).rejects.toMatchObject({ code: 'TOKENIZER_INVALID', message: expect.stringContaining('not valid JSON') });
    fs.writeFileSync(path.join(dir, 'tokenizer.json'), '{"vocab": {}}');
    await expect(loadTokenizer(dir, manifest())).rejects.toMatchObject({ code: 'TOKENIZER_INVALID', message: expect.stringContaining('model') });
  });
});
