import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';

/**
 * Latency samples packed column by column into one BLOB per chunk: 54 bytes per single-stream
 * query (62 with server queueing) where JSON takes about 150, and exact — times stay Float64, so
 * a run read back from the history gives the very figures it printed.
 *
 * Layout (little-endian; Float64 columns first so that every column is aligned):
 * - `QUERY`: tokenize, encode, search, total, start (Float64) · seq, queryIndex, tokens (Int32) ·
 *   language (Uint16 index into the chunk's language list, 0xffff: none).
 * - `QUERY_QUEUED`: as `QUERY` with queue (Float64, NaN: none) after start.
 * - `BATCH`: tokenize, encode, search, total, start (Float64) · seq, batchSize, tokens, maxTokens
 *   (Int32) · then every batch's query indices (Int32, batchSize each).
 */
export const SampleLayout = { QUERY: 1, QUERY_QUEUED: 2, BATCH: 3 } as const;
export type SampleLayout = (typeof SampleLayout)[keyof typeof SampleLayout];

export interface EncodedChunk {
  layout: SampleLayout;
  count: number;
  /** Languages the chunk's samples name, comma-separated, in index order. */
  langs: string;
  data: Buffer;
}

const NO_LANG = 0xffff;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function columns(buffer: ArrayBuffer, n: number, floats: number, ints: number) {
  const f = Array.from({ length: floats }, (_, i) => new Float64Array(buffer, i * 8 * n, n));
  const intBase = floats * 8 * n;
  const k = Array.from({ length: ints }, (_, i) => new Int32Array(buffer, intBase + i * 4 * n, n));
  return { f, k, end: intBase + ints * 4 * n };
}

/** The five Float64 columns both layouts start with. */
type Times = Pick<LatencySample, 'tokenizeMs' | 'encodeMs' | 'searchMs' | 'totalMs' | 'startMs'>;

function writeTimes(f: Float64Array[], i: number, s: Times): void {
  f[0][i] = s.tokenizeMs;
  f[1][i] = s.encodeMs;
  f[2][i] = s.searchMs;
  f[3][i] = s.totalMs;
  f[4][i] = s.startMs;
}

function readTimes(f: Float64Array[], i: number): Times {
  return { tokenizeMs: f[0][i], encodeMs: f[1][i], searchMs: f[2][i], totalMs: f[3][i], startMs: f[4][i] };
}

export function encodeQuerySamples(samples: readonly LatencySample[]): EncodedChunk {
  if (!LITTLE_ENDIAN) throw new Error('the sample codec assumes a little-endian machine');
  const n = samples.length;
  const queued = samples.some((s) => s.queueMs !== undefined);
  const floats = queued ? 6 : 5;
  const buffer = new ArrayBuffer(n * (floats * 8 + 3 * 4 + 2));
  const { f, k, end } = columns(buffer, n, floats, 3);
  const lang = new Uint16Array(buffer, end, n);
  const langs: string[] = [];
  const langIndex = new Map<string, number>();
  samples.forEach((s, i) => {
    writeTimes(f, i, s);
    if (queued) f[5][i] = s.queueMs ?? Number.NaN;
    k[0][i] = s.seq;
    k[1][i] = s.queryIndex;
    k[2][i] = s.tokens;
    if (s.lang === undefined) {
      lang[i] = NO_LANG;
    } else {
      let index = langIndex.get(s.lang);
      if (index === undefined) {
        if (s.lang.includes(',')) throw new RangeError(`language code "${s.lang}" contains a comma`);
        index = langs.push(s.lang) - 1;
        langIndex.set(s.lang, index);
      }
      lang[i] = index;
    }
  });
  return { layout: queued ? SampleLayout.QUERY_QUEUED : SampleLayout.QUERY, count: n, langs: langs.join(','), data: Buffer.from(buffer) };
}

export function encodeBatchSamples(batches: readonly BatchSample[]): EncodedChunk {
  if (!LITTLE_ENDIAN) throw new Error('the sample codec assumes a little-endian machine');
  const n = batches.length;
  const indexCount = batches.reduce((sum, b) => sum + b.queryIndices.length, 0);
  const buffer = new ArrayBuffer(n * (5 * 8 + 4 * 4) + indexCount * 4);
  const { f, k, end } = columns(buffer, n, 5, 4);
  const indices = new Int32Array(buffer, end, indexCount);
  let at = 0;
  batches.forEach((b, i) => {
    if (b.queryIndices.length !== b.batchSize) throw new RangeError(`batch ${b.seq} has ${b.queryIndices.length} query indices for batch size ${b.batchSize}`);
    writeTimes(f, i, b);
    k[0][i] = b.seq;
    k[1][i] = b.batchSize;
    k[2][i] = b.tokens;
    k[3][i] = b.maxTokens;
    indices.set(b.queryIndices, at);
    at += b.batchSize;
  });
  return { layout: SampleLayout.BATCH, count: n, langs: '', data: Buffer.from(buffer) };
}

/** A copy into fresh, aligned memory: SQLite's buffers may start at any offset. */
function aligned(data: Uint8Array, expectedBytes: number): ArrayBuffer {
  if (data.byteLength < expectedBytes) throw new ChunkFormatError(`a sample chunk holds ${data.byteLength} bytes where its layout needs at least ${expectedBytes}`);
  const copy = new Uint8Array(data.byteLength);
  copy.set(data);
  return copy.buffer;
}

/** A chunk whose bytes do not fit its declared layout: the database was damaged or edited. */
export class ChunkFormatError extends Error {
  readonly code = 'SQLITE_CORRUPT';
}

export function decodeQuerySamples(chunk: EncodedChunk): LatencySample[] {
  const { count: n, layout } = chunk;
  if (layout !== SampleLayout.QUERY && layout !== SampleLayout.QUERY_QUEUED) throw new ChunkFormatError(`sample chunk layout ${layout} is not a per-query layout`);
  const floats = layout === SampleLayout.QUERY_QUEUED ? 6 : 5;
  const bytes = n * (floats * 8 + 3 * 4 + 2);
  if (chunk.data.byteLength !== bytes) throw new ChunkFormatError(`a sample chunk of ${n} queries holds ${chunk.data.byteLength} bytes, not ${bytes}`);
  const { f, k, end } = columns(aligned(chunk.data, bytes), n, floats, 3);
  const lang = new Uint16Array(f[0].buffer, end, n);
  const langs = chunk.langs === '' ? [] : chunk.langs.split(',');
  const out = new Array<LatencySample>(n);
  for (let i = 0; i < n; i++) {
    const sample: LatencySample = { seq: k[0][i], queryIndex: k[1][i], tokens: k[2][i], ...readTimes(f, i) };
    if (lang[i] !== NO_LANG) {
      const code = langs[lang[i]];
      if (code === undefined) throw new ChunkFormatError(`a sample names language #${lang[i]} of a chunk that lists ${langs.length}`);
      sample.lang = code;
    }
    if (floats === 6 && !Number.isNaN(f[5][i])) sample.queueMs = f[5][i];
    out[i] = sample;
  }
  return out;
}

export function decodeBatchSamples(chunk: EncodedChunk): BatchSample[] {
  const { count: n } = chunk;
  if (chunk.layout !== SampleLayout.BATCH) throw new ChunkFormatError(`sample chunk layout ${chunk.layout} is not the batch layout`);
  const fixed = n * (5 * 8 + 4 * 4);
  const { f, k, end } = columns(aligned(chunk.data, fixed), n, 5, 4);
  const indexCount = (chunk.data.byteLength - fixed) / 4;
  let total = 0;
  for (let i = 0; i < n; i++) total += k[1][i];
  if (!Number.isInteger(indexCount) || indexCount !== total) throw new ChunkFormatError(`a batch chunk holds ${indexCount} query indices for batches totalling ${total}`);
  const indices = new Int32Array(f[0].buffer, end, indexCount);
  const out = new Array<BatchSample>(n);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const size = k[1][i];
    out[i] = {
      seq: k[0][i],
      batchSize: size,
      queryIndices: Array.from(indices.subarray(at, at + size)),
      tokens: k[2][i],
      maxTokens: k[3][i],
      ...readTimes(f, i),
    };
    at += size;
  }
  return out;
}
