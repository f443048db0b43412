import { describe, expect, it } from 'vitest';
import type { BatchSample, LatencySample } from '../../main/engine/latency/latency-sample.ts';
import { ChunkFormatError, SampleLayout, decodeBatchSamples, decodeQuerySamples, encodeBatchSamples, encodeQuerySamples } from '../../main/store/sample-codec.ts';

const query = (seq: number, extra: Partial<LatencySample> = {}): LatencySample => ({
  seq,
  queryIndex: 1000 + seq,
  tokens: 7 + seq,
  tokenizeMs: 0.1 + seq / 3,
  encodeMs: Math.PI * seq,
  searchMs: 1e-9,
  totalMs: 12.345678901234567 + seq,
  startMs: 1e6 / 3 + seq,
  ...extra,
});

describe('sample chunks', () => {
  it('give back exactly the per-query samples they were given, languages and absences included', () => {
    const samples = [query(0, { lang: 'de' }), query(1), query(2, { lang: 'zh' }), query(3, { lang: 'de' })];
    const chunk = encodeQuerySamples(samples);
    expect(chunk).toMatchObject({ layout: SampleLayout.QUERY, count: 4, langs: 'de,zh' });
    // 5 Float64 + 3 Int32 + 1 Uint16 per sample.
    expect(chunk.data.byteLength).toBe(4 * 54);
    expect(decodeQuerySamples(chunk)).toStrictEqual(samples);
  });

  it('keep server queueing, and its absence on single samples, apart', () => {
    const samples = [query(0, { queueMs: 0.25 }), query(1, { queueMs: 0 }), query(2)];
    const chunk = encodeQuerySamples(samples);
    expect(chunk.layout).toBe(SampleLayout.QUERY_QUEUED);
    expect(chunk.data.byteLength).toBe(3 * 62);
    expect(decodeQuerySamples(chunk)).toStrictEqual(samples);
  });

  it('decode from a buffer that does not start on an 8-byte boundary (as SQLite may hand it)', () => {
    const samples = [query(0, { lang: 'en' }), query(1, { lang: 'en' })];
    const chunk = encodeQuerySamples(samples);
    const shifted = Buffer.alloc(chunk.data.byteLength + 3);
    chunk.data.copy(shifted, 3);
    expect(decodeQuerySamples({ ...chunk, data: shifted.subarray(3) })).toStrictEqual(samples);
  });

  it('give back offline batches with their query indices', () => {
    const batches: BatchSample[] = [
      { seq: 0, batchSize: 2, queryIndices: [5, 9], tokens: 30, maxTokens: 17, tokenizeMs: 0.2, encodeMs: 8.5, searchMs: 0.3, totalMs: 9.1, startMs: 50 },
      { seq: 1, batchSize: 3, queryIndices: [1, 2, 3], tokens: 40, maxTokens: 20, tokenizeMs: 0.3, encodeMs: 9.5, searchMs: 0.4, totalMs: 10.4, startMs: 59.2 },
    ];
    const chunk = encodeBatchSamples(batches);
    expect(chunk.data.byteLength).toBe(2 * (5 * 8 + 4 * 4) + 5 * 4);
    expect(decodeBatchSamples(chunk)).toStrictEqual(batches);
  });

  it('refuse bytes that do not fit their layout instead of inventing samples', () => {
    const chunk = encodeQuerySamples([query(0), query(1)]);
    expect(() => decodeQuerySamples({ ...chunk, count: 3 })).toThrow(ChunkFormatError);
    expect(() => decodeQuerySamples({ ...chunk, data: chunk.data.subarray(1) })).toThrow(ChunkFormatError);
    expect(() => decodeBatchSamples(chunk)).toThrow(ChunkFormatError);
    const withLang = encodeQuerySamples([query(0, { lang: 'de' })]);
    expect(() => decodeQuerySamples({ ...withLang, langs: '' })).toThrow(/language #0/);
  });
});
