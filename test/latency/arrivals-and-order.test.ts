import { describe, expect, it } from 'vitest';
import { createPoissonArrivals } from '../../main/engine/latency/poisson-arrivals.ts';
import { createQueryOrder } from '../../main/engine/latency/query-order.ts';

describe('createPoissonArrivals', () => {
  it('draws exponential gaps with mean 1000 / rate ms (and standard deviation equal to the mean)', () => {
    const next = createPoissonArrivals(250, 11);
    const gaps = Array.from({ length: 40_000 }, next);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / (gaps.length - 1));
    // Standard error of the mean: 4 ms / √40000 = 0.02 ms (0.5%); bounds are 4 of them.
    expect(Math.abs(mean - 4) / 4).toBeLessThan(0.02);
    expect(Math.abs(sd - 4) / 4).toBeLessThan(0.03);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0);
  });

  it('is reproducible from its seed', () => {
    const draw = (seed: number) => Array.from({ length: 20 }, createPoissonArrivals(10, seed));
    expect(draw(5)).toEqual(draw(5));
    expect(draw(5)).not.toEqual(draw(6));
  });

  it('rejects a rate that is not a positive number', () => {
    expect(() => createPoissonArrivals(0, 1)).toThrow(RangeError);
    expect(() => createPoissonArrivals(Number.POSITIVE_INFINITY, 1)).toThrow(RangeError);
  });
});

describe('createQueryOrder', () => {
  it('issues every query once per pass, reshuffling between passes', () => {
    const next = createQueryOrder(30, 2);
    const first = Array.from({ length: 30 }, next);
    const second = Array.from({ length: 30 }, next);
    const all = Array.from({ length: 30 }, (_, i) => i);
    expect([...first].sort((a, b) => a - b)).toEqual(all);
    expect([...second].sort((a, b) => a - b)).toEqual(all);
    expect(first).not.toEqual(all);
    expect(second).not.toEqual(first);
  });

  it('rejects an empty query set', () => {
    expect(() => createQueryOrder(0, 1)).toThrow(RangeError);
  });
});
