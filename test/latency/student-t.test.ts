import { describe, expect, it } from 'vitest';
import { incompleteBeta, logGamma, studentTCdf, studentTQuantile } from '../../main/engine/latency/student-t.ts';

/** |actual / expected − 1|: the relative error the accuracy note in student-t.ts speaks of. */
const relativeError = (actual: number, expected: number) => Math.abs(actual / expected - 1);

// Reference values from scipy 1.x (scipy.stats.t, scipy.special.betainc, math.lgamma), or closed
// forms where the distribution has one.
describe("Student's t", () => {
  it('quantiles match the tables', () => {
    // The printed table: t(0.975, 1) = 12.706, t(0.975, 10) = 2.228, t(0.975, 30) = 2.042.
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706, 3);
    expect(studentTQuantile(0.975, 10)).toBeCloseTo(2.228, 3);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.042, 3);
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

  it('quantiles are exact to ~1e-13 relative, far into the tail and next to the median (closed forms)', () => {
    // df = 1 is Cauchy: t = tan(π(p − 1/2)) = 1 / tan(π(1 − p)); 1 − p is exact for p ≥ 1/2.
    for (const p of [0.6, 0.975, 1 - 1e-6, 1 - 1e-10]) expect(relativeError(studentTQuantile(p, 1), 1 / Math.tan(Math.PI * (1 - p)))).toBeLessThan(1e-13);
    // df = 2: F(t) = 1/2 + t / (2√(2 + t²)), so t = (2p − 1) / √(2p(1 − p)).
    const df2 = (p: number) => (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
    for (const p of [0.55, 0.9, 1 - 1e-8]) expect(relativeError(studentTQuantile(p, 2), df2(p))).toBeLessThan(1e-13);
    // Next to the median the tail 1/2 − 1e-6 is known to ~1e-16 absolute, so t to ~1e-10 relative.
    expect(relativeError(studentTQuantile(0.5 + 1e-6, 2), df2(0.5 + 1e-6))).toBeLessThan(1e-9);
    // Large df, near the normal's 1.959964: scipy 1.960201239890626.
    expect(relativeError(studentTQuantile(0.975, 10_000), 1.960201239890626)).toBeLessThan(1e-11);
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
    // Many degrees of freedom: just under the normal's Φ(0.1) = 0.5398278 (scipy 0.539817815488198).
    expect(studentTCdf(0.1, 1000)).toBeCloseTo(0.539817815488198, 13);
  });

  it('the CDF keeps its digits next to 0 and far in the lower tail (closed forms)', () => {
    // df = 2: F(t) − 1/2 = t / (2√(2 + t²)) ≈ 3.5355339e-10 at t = 1e-9, where df / (df + t²) is 1 in doubles.
    expect(studentTCdf(1e-9, 2) - 0.5).toBeCloseTo(1e-9 / (2 * Math.SQRT2), 15);
    // Cauchy: F(−t) = 1/2 − atan(t)/π = atan(1/t)/π ≈ 3.18e-7 at t = 1e6.
    expect(relativeError(studentTCdf(-1e6, 1), Math.atan(1e-6) / Math.PI)).toBeLessThan(1e-12);
  });

  it('logGamma and the incomplete beta function match scipy', () => {
    expect(logGamma(3.7)).toBeCloseTo(1.4280723266653883, 12);
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180752, 12);
    expect(logGamma(50.5)).toBeCloseTo(146.5192554907206, 10);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    // Near 0, ln Γ(x) = −ln x − γx + O(x²) (γ = 0.5772156649): 18.420680738180209 at 1e-8, where
    // the Lanczos sum alone is off by 5e-9 (the reflection formula is what gets this right).
    expect(logGamma(1e-8)).toBeCloseTo(-Math.log(1e-8) - 0.5772156649015329e-8, 13);
    expect(incompleteBeta(0.3, 2.5, 0.5)).toBeCloseTo(0.018927124071945658, 12);
    expect(incompleteBeta(0.9, 0.5, 3)).toBeCloseTo(0.9996750253207289, 12);
    // Beta(500, 500) is nearly normal, mean 1/2 and sd 0.0158: 0.6 is 6.3 sd above, the CDF 1 − 8.4e-11
    // (scipy 0.999999999915755); the continued fraction alone does not converge there.
    expect(incompleteBeta(0.6, 500, 500)).toBeCloseTo(0.999999999915755, 14);
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });

  it('refuses what has no answer, and says why', () => {
    expect(() => studentTQuantile(0, 3)).toThrow('a quantile needs 0 < p < 1, got 0');
    expect(() => studentTQuantile(-0.5, 3)).toThrow('a quantile needs 0 < p < 1, got -0.5');
    expect(() => studentTQuantile(1, 3)).toThrow('a quantile needs 0 < p < 1, got 1');
    expect(() => studentTQuantile(0.9, 0)).toThrow('degrees of freedom must be positive, got 0');
    // The median needs no bisection, yet a median of no distribution is still refused.
    expect(() => studentTQuantile(0.5, 0)).toThrow('degrees of freedom must be positive, got 0');
    expect(() => studentTQuantile(0.5, -1)).toThrow(RangeError);
    expect(() => studentTCdf(1, 0)).toThrow('degrees of freedom must be positive, got 0');
    expect(() => studentTCdf(1, -1)).toThrow(RangeError);
    expect(() => logGamma(0)).toThrow('logGamma needs x > 0, got 0');
    expect(() => logGamma(Number.NaN)).toThrow(RangeError);
    expect(() => incompleteBeta(1.5, 1, 1)).toThrow('incompleteBeta needs 0 ≤ x ≤ 1, got 1.5');
    expect(() => incompleteBeta(-0.5, 1, 1)).toThrow('incompleteBeta needs 0 ≤ x ≤ 1, got -0.5');
  });
});
