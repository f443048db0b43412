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

  it('refuses a query of the wrong width and embeddings that are not whole rows', () => {
    expect(() => new CandidateIndex(new Float32Array(5), 2)).toThrow(RangeError);
    expect(() => new CandidateIndex(new Float32Array(4), 2).scores(new Float32Array(3))).toThrow(RangeError);
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

  it('fills caller-owned arrays', () => {
    const out = { ids: new Int32Array(2), scores: new Float32Array(2) };
    const top = index.topK(query, 2, out);
    expect(top.ids.buffer).toBe(out.ids.buffer);
    expect(Array.from(out.ids)).toEqual([1, 3]);
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

  it('walks candidates in tiles without losing any (more rows than one tile holds)', () => {
    const dim = 512; // a 256 KiB tile holds 128 rows of 512 floats
    const candidates = randomVectors(3, 300, dim);
    const queries = randomVectors(4, 5, dim);
    const source = denseScoreSource(queries, candidates, dim);
    expect([source.queryCount, source.candidateCount]).toEqual([5, 300]);
    const out = new Float64Array(5 * 300);
    source.scoreBlock(0, 5, out);
    for (const [q, c] of [[0, 0], [3, 127], [3, 128], [4, 299]]) expect(out[q * 300 + c]).toBe(dot(queries, q, candidates, c, dim));
  });

  it('refuses a block outside the queries or a buffer too small', () => {
    const v = new Float32Array(8);
    expect(() => scoreQueryBlock(v, 0, 5, v, 2, new Float64Array(100))).toThrow(RangeError);
    expect(() => scoreQueryBlock(v, 0, 4, v, 2, new Float64Array(3))).toThrow(RangeError);
  });
});
