import { describe, expect, it } from 'vitest';
import { createRng } from '../../main/engine/random/seeded.ts';

const draw = (seed: number, n: number) => Array.from({ length: n }, createRng(seed));

describe('createRng', () => {
  it('repeats the same stream for the same seed and differs between seeds', () => {
    expect(draw(42, 50)).toEqual(draw(42, 50));
    expect(draw(42, 50)).not.toEqual(draw(43, 50));
  });

  it('takes the seed modulo 2^32', () => {
    expect(draw(7 + 2 ** 32, 10)).toEqual(draw(7, 10));
  });

  it('draws floats in [0, 1) with mean 1/2 and variance 1/12', () => {
    const values = draw(1, 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
    // Standard errors: 0.0009 for the mean, 0.0003 for the variance; bounds are > 5 of them.
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });
});
