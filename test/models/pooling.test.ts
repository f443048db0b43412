import { describe, expect, it } from 'vitest';
import { clsPool, l2NormalizeRows, meanPool } from '../../main/engine/models/pooling.ts';

// batch 2, seq 3, dim 2; row 0 has 2 real tokens, row 1 has 3.
const hidden = new Float32Array([
  1, 2, /**/ 3, 4, /**/ 100, 100, // row 0: the last position is padding
  0, 6, /**/ 3, 0, /**/ 6, 3,
]);

describe('meanPool', () => {
  it('averages only the unpadded positions of each row', () => {
    expect(Array.from(meanPool(hidden, [2, 3], 3, 2))).toEqual([2, 3, 3, 3]);
  });
  it('gives a zero vector for an empty row instead of NaN', () => {
    expect(Array.from(meanPool(hidden, [0, 1], 3, 2))).toEqual([0, 0, 0, 6]);
  });
});

describe('clsPool', () => {
  it("takes each row's first token", () => {
    expect(Array.from(clsPool(hidden, 2, 3, 2))).toEqual([1, 2, 0, 6]);
  });
});

describe('l2NormalizeRows', () => {
  it('scales each row to unit length in place', () => {
    const rows = new Float32Array([3, 4, 0, -2]);
    expect(l2NormalizeRows(rows, 2)).toBe(rows);
    expect(Array.from(rows)).toEqual([0.6, 0.8, 0, -1].map(Math.fround));
  });
  it('leaves an all-zero row at zero', () => {
    expect(Array.from(l2NormalizeRows(new Float32Array([0, 0]), 2))).toEqual([0, 0]);
  });
});
