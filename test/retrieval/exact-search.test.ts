import { describe, expect, it } from 'vitest';
import { createRng } from '../../main/engine/random/seeded.ts';
import { CandidateIndex, denseScoreSource, scoreQueryBlock } from '../../main/engine/retrieval/exact-search.ts';

const randomVectors = (seed: number, rows: number, dim: number) => {
  const random = createRng(seed);
  return Float32Array.from({ length: rows * dim }, () => random() * 2 - 1);
};

/** Inner product summed in dimension order, as every kernel does. */
const dot = (a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number) => {
  let s = 0;
  for (let d = 0; d < dim; d++) s += a[ai * dim + d] * b[bi * dim + d];
  return s;
};

describe('CandidateIndex.scores', () => {
  it('gives the inner product with every candidate, whatever the row count modulo the unrolling', () => {
    for (const n of [1, 3, 4, 7, 13]) {
      const dim = 5;
      const candidates = randomVectors(n, n, dim);
      const query = randomVectors(100 + n, 1, dim);
      const scores = new CandidateIndex(candidates, dim).scores(query);
      expect(Array.from(scores)).toEqual(Array.from({ length: n }, (_, c) => Math.fround(dot(query, 0, candidates, c, dim))));
    }
  });

  it('writes into the buffer it is given and returns it', () => {
    const index = new CandidateIndex(Float32Array.from([1, 0, 0, 1, 1, 1]), 2);
    const out = new Float32Array(3);
    expect(index.scores(Float32Array.from([2, 3]), out)).toBe(out);
    expect(Array.from(out)).toEqual([2, 3, 5]);
  });

  it('refuses a query of the wrong width, a short output buffer and embeddings that are not whole rows', () => {
    expect(() => new CandidateIndex(new Float32Array(5), 2)).toThrow(/candidate embeddings: 5 floats are not a whole number of rows of 2/);
    expect(() => new CandidateIndex(new Float32Array(4), 0)).toThrow(/dimension must be a positive integer, got 0/);
    expect(() => new CandidateIndex(new Float32Array(4), 1.5)).toThrow(/dimension must be a positive integer, got 1.5/);
    const index = new CandidateIndex(new Float32Array(6), 2);
    expect(() => index.scores(new Float32Array(3))).toThrow(/query has 3 dimensions, the index 2/);
    expect(() => index.scores(new Float32Array(2), new Float32Array(2))).toThrow(/output buffer holds 2 scores, the index has 3 candidates/);
    expect(index.scores(new Float32Array(2), new Float32Array(4))).toHaveLength(4);
  });

  it('writes nothing past the candidates into a longer buffer', () => {
    for (const n of [3, 5]) {
      const out = new Float32Array(n + 4).fill(-7);
      new CandidateIndex(randomVectors(n, n, 3), 3).scores(Float32Array.from([1, 1, 1]), out);
      expect(Array.from(out.subarray(n))).toEqual([-7, -7, -7, -7]);
    }
  });
});

describe('CandidateIndex.topK', () => {
  // Scores of query (1, 0): 0.5, 0.9, 0.1, 0.9, 0.7.
  const index = new CandidateIndex(Float32Array.from([0.5, 0, 0.9, 0, 0.1, 0, 0.9, 0, 0.7, 0]), 2);
  const query = Float32Array.from([1, 0]);

  it('returns the k best, best first, equal scores in row order', () => {
    const top = index.topK(query, 3);
    expect(Array.from(top.ids)).toEqual([1, 3, 4]);
    expect(Array.from(top.scores)).toEqual([0.9, 0.9, 0.7].map(Math.fround));
  });

  it('returns every candidate sorted when k exceeds the pool, and nothing for k = 0', () => {
    expect(Array.from(index.topK(query, 10).ids)).toEqual([1, 3, 4, 0, 2]);
    expect(index.topK(query, 0).ids.length).toBe(0);
  });

  it('reuses caller-owned arrays longer than k without reading what an earlier search left there', () => {
    const dim = 4;
    const pool = new CandidateIndex(randomVectors(21, 40, dim), dim);
    const out = { ids: new Int32Array(10), scores: new Float32Array(10) };
    for (let q = 0; q < 6; q++) {
      const v = randomVectors(300 + q, 1, dim);
      for (const k of [9, 4, 3, 8, 2, 5, 1, 6, 7]) {
        const top = pool.topK(v, k, out);
        expect(Array.from(top.ids)).toEqual(Array.from(pool.topK(v, k).ids));
      }
    }
  });

  it('fills caller-owned arrays', () => {
    const out = { ids: new Int32Array(2), scores: new Float32Array(2) };
    const top = index.topK(query, 2, out);
    expect(top.ids.buffer).toBe(out.ids.buffer);
    expect(Array.from(out.ids)).toEqual([1, 3]);
  });

  it('ranks negative scores too: fewer than k positive ones, or none', () => {
    // Scores of query (1, 0): −0.5, −0.1, 0.2, −0.9, −0.3.
    const mixed = new CandidateIndex(Float32Array.from([-0.5, 0, -0.1, 0, 0.2, 0, -0.9, 0, -0.3, 0]), 2);
    expect(Array.from(mixed.topK(query, 3).ids)).toEqual([2, 1, 4]);
    expect(Array.from(mixed.topK(query, 5).ids)).toEqual([2, 1, 4, 0, 3]);
    expect(Array.from(mixed.topK(Float32Array.from([-1, 0]), 2).ids)).toEqual([3, 0]);
  });

  it('keeps the earlier row at k-th place when a later one ties with it', () => {
    // Scores 0.5, 0.9, 0.5, 0.7, 0.5: the third place goes to row 0, not to rows 2 or 4.
    const tied = new CandidateIndex(Float32Array.from([0.5, 0, 0.9, 0, 0.5, 0, 0.7, 0, 0.5, 0]), 2);
    expect(Array.from(tied.topK(query, 3).ids)).toEqual([1, 3, 0]);
    expect(Array.from(tied.topK(query, 4).ids)).toEqual([1, 3, 0, 2]);
    // All equal: row order.
    const flat = new CandidateIndex(new Float32Array(12).fill(0.25), 2);
    expect(Array.from(flat.topK(query, 4).ids)).toEqual([0, 1, 2, 3]);
  });

  it('takes the whole part of a fractional k and none for a negative one', () => {
    expect(Array.from(index.topK(query, 2.7).ids)).toEqual([1, 3]);
    expect(index.topK(query, -1).ids.length).toBe(0);
  });

  it('refuses caller-owned arrays shorter than k', () => {
    const out = { ids: new Int32Array(2), scores: new Float32Array(3) };
    expect(() => index.topK(query, 3, out)).toThrow(/topK output holds fewer than 3 entries/);
    expect(() => index.topK(query, 3, { ids: new Int32Array(3), scores: new Float32Array(2) })).toThrow(/fewer than 3/);
  });

  it('agrees with a full sort on random data', () => {
    const dim = 8;
    const candidates = randomVectors(5, 500, dim);
    const big = new CandidateIndex(candidates, dim);
    for (let q = 0; q < 5; q++) {
      const v = randomVectors(50 + q, 1, dim);
      const scores = big.scores(v);
      const expected = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 10);
      expect(Array.from(big.topK(v, 10).ids)).toEqual(expected);
    }
  });
});

describe('scoreQueryBlock', () => {
  it('equals CandidateIndex.scores for every query, including the remainders of its blocking', () => {
    const dim = 7;
    const candidates = randomVectors(1, 11, dim); // odd: a candidate left over by the 2-wide blocking
    const queries = randomVectors(2, 6, dim); // 6: two queries left over by the 4-wide blocking
    const index = new CandidateIndex(candidates, dim);
    const out = new Float64Array(5 * 11);
    scoreQueryBlock(queries, 1, 6, candidates, dim, out);
    for (let q = 1; q < 6; q++) {
      const single = index.scores(queries.subarray(q * dim, (q + 1) * dim));
      for (let c = 0; c < 11; c++) {
        expect(out[(q - 1) * 11 + c]).toBe(dot(queries, q, candidates, c, dim));
        expect(Math.fround(out[(q - 1) * 11 + c])).toBe(single[c]);
      }
    }
  });

  it('walks candidates in tiles without losing or shifting any (more rows than one tile holds)', () => {
    const dim = 512; // a 256 KiB tile holds 128 rows of 512 floats
    const n = 257; // three tiles, the last one row long
    const candidates = randomVectors(3, n, dim);
    const queries = randomVectors(4, 7, dim);
    const source = denseScoreSource(queries, candidates, dim);
    expect([source.queryCount, source.candidateCount]).toEqual([7, n]);
    // Blocks of 5 (four and one left over) and of 3 (all left over, with a query after the block).
    for (const [start, end] of [[1, 6], [0, 3]]) {
      const rows = end - start;
      const out = new Float64Array((rows + 1) * n).fill(-7);
      source.scoreBlock(start, end, out);
      for (let q = start; q < end; q++) for (let c = 0; c < n; c++) expect(out[(q - start) * n + c]).toBe(dot(queries, q, candidates, c, dim));
      expect(out.subarray(rows * n).every((v) => v === -7)).toBe(true); // nothing written past the block
    }
  });

  it('refuses a block outside the queries or a buffer too small', () => {
    const v = new Float32Array(8);
    expect(() => scoreQueryBlock(v, 0, 5, v, 2, new Float64Array(100))).toThrow(/query block \[0, 5\) is outside 0 … 4/);
    expect(() => scoreQueryBlock(v, -1, 2, v, 2, new Float64Array(100))).toThrow(/query block \[-1, 2\)/);
    expect(() => scoreQueryBlock(v, 3, 2, v, 2, new Float64Array(100))).toThrow(/query block \[3, 2\)/);
    expect(() => scoreQueryBlock(v, 0, 4, v, 2, new Float64Array(15))).toThrow(/output buffer holds 15 scores, needs 16/);
    expect(() => scoreQueryBlock(v, 1, 4, v, 2, new Float64Array(11))).toThrow(/output buffer holds 11 scores, needs 12/);
    expect(() => scoreQueryBlock(new Float32Array(7), 0, 1, v, 2, new Float64Array(100))).toThrow(/query embeddings: 7 floats/);
    expect(() => scoreQueryBlock(v, 0, 1, new Float32Array(7), 2, new Float64Array(100))).toThrow(/candidate embeddings: 7 floats/);
    expect(() => denseScoreSource(new Float32Array(7), v, 2)).toThrow(/query embeddings: 7 floats/);
    expect(() => denseScoreSource(v, new Float32Array(7), 2)).toThrow(/candidate embeddings: 7 floats/);
    // The empty block and a buffer of exactly the size needed are fine.
    expect(() => scoreQueryBlock(v, 4, 4, v, 2, new Float64Array(0))).not.toThrow();
    expect(() => scoreQueryBlock(v, 0, 4, v, 2, new Float64Array(16))).not.toThrow();
  });
});
