import { describe, expect, it } from 'vitest';
import { fixedOrSignificant, formatFlops, formatIntensity, formatRate, formatShare } from '../../main/report/format-numbers.ts';

describe('small magnitudes: fixed decimals, or 2 significant digits below one unit of the last decimal', () => {
  it('prints rates as before from 0.1 up, and tiny nonzero rates in significant digits, never as 0.0 or in exponent form', () => {
    expect([146, 28.8, 0.6, 0.1, 0.05, 0].map(formatRate)).toEqual(['146.0', '28.8', '0.6', '0.1', '0.050', '0.0']);
    expect([0.0023, 0.0999, 0.06, 2.3e-7, -0.0023].map(formatRate)).toEqual(['0.0023', '0.10', '0.060', '0.00000023', '-0.0023']);
    expect([null, undefined, Number.NaN, Infinity].map(formatRate)).toEqual(['-', '-', '-', '-']);
  });

  it('prints shares as before from 0.1% up, and tiny nonzero shares in significant digits', () => {
    expect([0.421, 0.004, 0.001, 0, 1].map(formatShare)).toEqual(['42.1%', '0.4%', '0.1%', '0.0%', '100.0%']);
    expect([1.6e-5, 4e-4, 1.23e-9].map(formatShare)).toEqual(['0.0016%', '0.040%', '0.00000012%']);
  });

  it('prints intensities by the same rule: 2 decimals below 10, significant digits below 0.01', () => {
    expect([0.02, 0.01, 5, 42.42, 1234.5, 0].map(formatIntensity)).toEqual(['0.02', '0.01', '5.00', '42.4', '1235', '0.00']);
    expect([0.0031, 0.00004567].map(formatIntensity)).toEqual(['0.0031', '0.000046']);
    expect(fixedOrSignificant(1e-120, 1)).toMatch(/^0\.0+$/);
  });
});

describe('formatFlops', () => {
  it('picks the unit by the total, 3 significant digits, the parts in the same unit, none as "0"', () => {
    expect(formatFlops(682, 0, 0, 682)).toEqual({ total: '682', unit: 'FLOP', parts: ['0', '0', '682'] });
    expect(formatFlops(22.4e9, 21.7e9, 0.7e9, 0)).toEqual({ total: '22.4', unit: 'GFLOP', parts: ['21.7', '0.700', '0'] });
    expect(formatFlops(1.5e6, 1.5e6, 300)).toEqual({ total: '1.50', unit: 'MFLOP', parts: ['1.50', '0.000300'] });
    expect(formatFlops(45_678, 45_678)).toEqual({ total: '45.7', unit: 'kFLOP', parts: ['45.7'] });
    expect(formatFlops(2.5e13).total + ' ' + formatFlops(2.5e13).unit).toBe('25.0 TFLOP');
    expect(formatFlops(0)).toEqual({ total: '0', unit: 'FLOP', parts: [] });
  });
});
