import { describe, expect, it } from 'vitest';
import { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from '../../main/engine/latency/student-t.ts';

// Reference values from scipy 1.x (scipy.stats.t, scipy.special.betainc, math.lgamma).
describe("Student's t", () => {
  it('quantiles match the tables', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706204736174698, 9);
    expect(studentTQuantile(0.975, 2)).toBeCloseTo(4.302652729749462, 10);
    expect(studentTQuantile(0.975, 9)).toBeCloseTo(2.2621571627982, 10);
    expect(studentTQuantile(0.975, 19)).toBeCloseTo(2.093024054408263, 10);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.032142983555228, 10);
    expect(studentTQuantile(0.95, 3)).toBeCloseTo(2.3533634348018233, 10);
    expect(studentTQuantile(0.9, 30)).toBeCloseTo(1.3104150253913955, 10);
    expect(studentTQuantile(0.8, 19)).toBeCloseTo(0.8609505502689286, 10);
    expect(studentTQuantile(0.9995, 1)).toBeCloseTo(636.6192487687, 6);
  });

  it('is symmetric, with its median at 0', () => {
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(0.025, 9)).toBeCloseTo(-2.2621571627982, 10);
    expect(studentTQuantile(0.1, 4)).toBe(-studentTQuantile(0.9, 4));
  });

  it('the CDF matches scipy and inverts the quantile', () => {
    expect(studentTCdf(1, 4)).toBeCloseTo(0.8130495168499705, 12);
    expect(studentTCdf(-2.5, 7)).toBeCloseTo(0.020496109292876444, 12);
    expect(studentTCdf(0, 3)).toBe(0.5);
    expect(studentTCdf(studentTQuantile(0.9, 12), 12)).toBeCloseTo(0.9, 12);
  });

  it('logGamma and the incomplete beta function match scipy', () => {
    expect(logGamma(3.7)).toBeCloseTo(1.4280723266653883, 12);
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180752, 12);
    expect(logGamma(50.5)).toBeCloseTo(146.5192554907206, 10);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(incompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.018927124071945658, 12);
    expect(incompleteBeta(0.9, 0.5, 3)).toBeCloseTo(0.9996750253207289, 12);
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });

  it('refuses what has no answer', () => {
    expect(() => studentTQuantile(0, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTCdf(1, -1)).toThrow(RangeError);
    expect(() => logGamma(0)).toThrow(RangeError);
    expect(() => incompleteBeta(1.5, 1, 1)).toThrow(RangeError);
  });
});
