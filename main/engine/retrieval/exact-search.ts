import type { ScoreSource } from './score-source.ts';

// Exact (brute-force) inner-product search over row-major Float32Array embeddings, `n × dim`.
// With L2-normalised embeddings, what every encoder here emits, the inner product is the cosine.
//
// Every path sums the products of one (query, candidate) pair in dimension order into a single
// double accumulator, so `CandidateIndex.scores` and `scoreQueryBlock` give the same value for
// the same pair (up to the Float32 rounding of the latency path's output). The kernels are
// register-blocked (several rows share each load) because V8 does not vectorise plain loops.

/** Candidate rows per cache tile in the batch kernel: about 256 KiB of embeddings. */
const TILE_BYTES = 256 * 1024;

/** Checks that `vectors` is a whole number of `dim`-wide rows and returns the row count. */
function rowCount(vectors: Float32Array, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new RangeError(`${what}: dimension must be a positive integer, got ${dim}`);
  if (vectors.length % dim !== 0) {
    throw new RangeError(`${what}: ${vectors.length} floats are not a whole number of rows of ${dim}`);
  }
  return vectors.length / dim;
}

function dot(a: Float32Array, aOffset: number, b: Float32Array, bOffset: number, dim: number): number {
  let sum = 0;
  for (let d = 0; d < dim; d++) sum += a[aOffset + d] * b[bOffset + d];
  return sum;
}

/** The `k` best candidates of one query, best first: row indices into the candidate matrix. */
export interface TopK {
  ids: Int32Array;
  scores: Float32Array;
}

/**
 * The candidate pool of one model, searched one query at a time (the latency path). Holds the
 * embeddings by reference (no copy, memory O(n · dim)); a 1M-vector pool is fine.
 */
export class CandidateIndex {
  readonly dim: number;
  readonly count: number;
  readonly #vectors: Float32Array;
  /** Reused by `topK`, so a search allocates nothing but its (optional) result. */
  readonly #scratch: Float32Array;

  constructor(vectors: Float32Array, dim: number) {
    this.count = rowCount(vectors, dim, 'candidate embeddings');
    this.dim = dim;
    this.#vectors = vectors;
    this.#scratch = new Float32Array(this.count);
  }

  /** Inner product of `query` with every candidate, into `out` (pass one to avoid allocating). */
  scores(query: Float32Array, out: Float32Array = new Float32Array(this.count)): Float32Array {
    const dim = this.dim;
    const n = this.count;
    if (query.length !== dim) throw new RangeError(`query has ${query.length} dimensions, the index ${dim}`);
    if (out.length < n) throw new RangeError(`output buffer holds ${out.length} scores, the index has ${n} candidates`);
    const v = this.#vectors;
    // One query against four candidates at a time: each query value is loaded once for four rows.
    let c = 0;
    for (; c + 3 < n; c += 4) {
      const r0 = c * dim;
      const r1 = r0 + dim;
      const r2 = r1 + dim;
      const r3 = r2 + dim;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let d = 0; d < dim; d++) {
        const x = query[d];
        s0 += x * v[r0 + d];
        s1 += x * v[r1 + d];
        s2 += x * v[r2 + d];
        s3 += x * v[r3 + d];
      }
      out[c] = s0;
      out[c + 1] = s1;
      out[c + 2] = s2;
      out[c + 3] = s3;
    }
    for (; c < n; c++) out[c] = dot(query, 0, v, c * dim, dim);
    return out;
  }

  /**
   * The `k` highest-scoring candidates, best first; equal scores keep the lower row index first.
   * O(n log k) with a bounded min-heap. Pass `out` (arrays of length ≥ k) to avoid allocating.
   */
  topK(query: Float32Array, k: number, out?: TopK): TopK {
    const size = Math.min(Math.max(0, Math.floor(k)), this.count);
    const scores = this.scores(query, this.#scratch);
    const ids = out ? out.ids : new Int32Array(size);
    const best = out ? out.scores : new Float32Array(size);
    if (ids.length < size || best.length < size) throw new RangeError(`topK output holds fewer than ${size} entries`);
    if (size === 0) return { ids: ids.subarray(0, 0), scores: best.subarray(0, 0) };
    // Min-heap on (score, then higher index = worse) in ids/best[0 … size).
    let filled = 0;
    for (let c = 0; c < this.count; c++) {
      const s = scores[c];
      if (filled < size) {
        let i = filled++;
        while (i > 0) {
          const parent = (i - 1) >> 1;
          if (!worse(s, c, best[parent], ids[parent])) break;
          best[i] = best[parent];
          ids[i] = ids[parent];
          i = parent;
        }
        best[i] = s;
        ids[i] = c;
      } else if (s > best[0]) {
        // Rows come in increasing index, so an equal score never displaces an earlier row.
        siftDown(best, ids, size, s, c);
      }
    }
    // Pop the heap from the back: the worst goes last, giving best-first order in place.
    for (let end = size - 1; end > 0; end--) {
      const s = best[end];
      const c = ids[end];
      const rootScore = best[0];
      const rootId = ids[0];
      siftDown(best, ids, end, s, c);
      best[end] = rootScore;
      ids[end] = rootId;
    }
    return { ids: ids.subarray(0, size), scores: best.subarray(0, size) };
  }
}

/** Heap order: is (s, c) ranked below (t, d)? Lower score, or equal score and higher row index. */
function worse(s: number, c: number, t: number, d: number): boolean {
  return s < t || (s === t && c > d);
}

/** Replaces the heap root with (s, c) and restores the min-heap over `[0, size)`. */
function siftDown(best: Float32Array, ids: Int32Array, size: number, s: number, c: number): void {
  let i = 0;
  for (;;) {
    let child = 2 * i + 1;
    if (child >= size) break;
    if (child + 1 < size && worse(best[child + 1], ids[child + 1], best[child], ids[child])) child++;
    if (!worse(best[child], ids[child], s, c)) break;
    best[i] = best[child];
    ids[i] = ids[child];
    i = child;
  }
  best[i] = s;
  ids[i] = c;
}

/**
 * Scores of queries `[start, end)` against all candidates, row-major into `out`
 * (`(end − start) × candidateCount` doubles). For quality evaluation: the candidates are walked
 * in cache-sized tiles, and four queries × two candidates share each load.
 */
export function scoreQueryBlock(
  queries: Float32Array,
  start: number,
  end: number,
  candidates: Float32Array,
  dim: number,
  out: Float64Array,
): void {
  const n = rowCount(candidates, dim, 'candidate embeddings');
  const m = rowCount(queries, dim, 'query embeddings');
  if (start < 0 || end > m || start > end) throw new RangeError(`query block [${start}, ${end}) is outside 0 … ${m}`);
  if (out.length < (end - start) * n) throw new RangeError(`output buffer holds ${out.length} scores, needs ${(end - start) * n}`);
  const tileRows = Math.max(2, Math.floor(TILE_BYTES / (4 * dim)) & ~1);
  for (let tile = 0; tile < n; tile += tileRows) {
    const tileEnd = Math.min(n, tile + tileRows);
    let q = start;
    for (; q + 3 < end; q += 4) {
      const q0 = q * dim;
      const q1 = q0 + dim;
      const q2 = q1 + dim;
      const q3 = q2 + dim;
      const o0 = (q - start) * n;
      const o1 = o0 + n;
      const o2 = o1 + n;
      const o3 = o2 + n;
      let c = tile;
      for (; c + 1 < tileEnd; c += 2) {
        const ca = c * dim;
        const cb = ca + dim;
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let b0 = 0;
        let b1 = 0;
        let b2 = 0;
        let b3 = 0;
        for (let d = 0; d < dim; d++) {
          const x = candidates[ca + d];
          const y = candidates[cb + d];
          const w0 = queries[q0 + d];
          const w1 = queries[q1 + d];
          const w2 = queries[q2 + d];
          const w3 = queries[q3 + d];
          a0 += w0 * x;
          a1 += w1 * x;
          a2 += w2 * x;
          a3 += w3 * x;
          b0 += w0 * y;
          b1 += w1 * y;
          b2 += w2 * y;
          b3 += w3 * y;
        }
        out[o0 + c] = a0;
        out[o1 + c] = a1;
        out[o2 + c] = a2;
        out[o3 + c] = a3;
        out[o0 + c + 1] = b0;
        out[o1 + c + 1] = b1;
        out[o2 + c + 1] = b2;
        out[o3 + c + 1] = b3;
      }
      for (; c < tileEnd; c++) {
        const cc = c * dim;
        out[o0 + c] = dot(queries, q0, candidates, cc, dim);
        out[o1 + c] = dot(queries, q1, candidates, cc, dim);
        out[o2 + c] = dot(queries, q2, candidates, cc, dim);
        out[o3 + c] = dot(queries, q3, candidates, cc, dim);
      }
    }
    for (; q < end; q++) {
      const o = (q - start) * n;
      for (let c = tile; c < tileEnd; c++) out[o + c] = dot(queries, q * dim, candidates, c * dim, dim);
    }
  }
}

/** Dense embeddings as a `ScoreSource` for quality evaluation. */
export function denseScoreSource(queryEmbeddings: Float32Array, candidateEmbeddings: Float32Array, dim: number): ScoreSource {
  const queryCount = rowCount(queryEmbeddings, dim, 'query embeddings');
  const candidateCount = rowCount(candidateEmbeddings, dim, 'candidate embeddings');
  return {
    queryCount,
    candidateCount,
    scoreBlock: (start, end, out) => scoreQueryBlock(queryEmbeddings, start, end, candidateEmbeddings, dim, out),
  };
}
