import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTexts } from '../../main/engine/models/encode-texts.ts';
import { loadModel } from '../../main/engine/models/load-model.ts';
import type { OnnxEncoder } from '../../main/engine/models/onnx-encoder.ts';
import { TINY_ENCODER } from './tiny-encoder-copy.ts';

describe('encodeTexts', () => {
  let encoder: OnnxEncoder;
  beforeAll(async () => {
    encoder = await loadModel(TINY_ENCODER);
  });
  afterAll(() => encoder.dispose());

  it("returns row i for texts[i] whatever the batching order, and reports progress", async () => {
    const texts = ['a', 'the longest text of all of these texts', 'bb', 'a medium text', 'Привет мир', 'c'];
    const progress: [number, number][] = [];
    const vectors = await encodeTexts(encoder, texts, 'passage', 4, (done, total) => progress.push([done, total]));
    expect(vectors.length).toBe(texts.length * 32);
    for (let i = 0; i < texts.length; i++) {
      const alone = await encoder.run(encoder.tokenize([texts[i]], 'passage'));
      const row = vectors.subarray(i * 32, (i + 1) * 32);
      for (let d = 0; d < 32; d++) expect(Math.abs(row[d] - alone[d])).toBeLessThan(1e-5);
    }
    expect(progress).toEqual([[4, 6], [6, 6]]);
  });

  it('handles an empty list and rejects a batch size below one', async () => {
    expect((await encodeTexts(encoder, [], 'query', 8)).length).toBe(0);
    await expect(encodeTexts(encoder, ['a'], 'query', 0)).rejects.toThrow(/batchSize/);
  });
});
