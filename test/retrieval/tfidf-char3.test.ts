import { describe, expect, it } from 'vitest';
import { charTrigrams, tfidfChar3ScoreSource } from '../../main/engine/retrieval/tfidf-char3.ts';

const scoreAll = (queries: string[], candidates: string[]) => {
  const source = tfidfChar3ScoreSource(queries, candidates);
  const out = new Float64Array(queries.length * candidates.length);
  source.scoreBlock(0, queries.length, out);
  return Array.from({ length: queries.length }, (_, q) => Array.from(out.subarray(q * candidates.length, (q + 1) * candidates.length)));
};

describe('charTrigrams', () => {
  it('lowercases, collapses whitespace runs, pads one space each side, and slides over code points', () => {
    expect(charTrigrams('Abc')).toEqual([' ab', 'abc', 'bc ']);
    expect(charTrigrams('a  b')).toEqual([' a ', 'a b', ' b ']);
    expect(charTrigrams('x')).toEqual([' x ']);
    expect(charTrigrams('')).toEqual([]);
    // One code point, two UTF-16 units: still one character.
    expect(charTrigrams('😀ab')).toEqual([' 😀a', '😀ab', 'ab ']);
  });
});

describe('tfidfChar3ScoreSource', () => {
  it('scores the cosine of smoothed-idf TF-IDF vectors fitted on the candidates', () => {
    // "abc" → ' ab', 'abc', 'bc '; "abd" → ' ab', 'abd', 'bd '. N = 2: idf(' ab') = ln(3/3) + 1 = 1,
    // every other 3-gram ln(3/2) + 1 = c. A query equal to a candidate scores 1; "abc" vs "abd"
    // share only ' ab': 1 / (1 + 2c²).
    const c = Math.log(1.5) + 1;
    const [[same, other]] = scoreAll(['abc'], ['abc', 'abd']);
    expect(same).toBeCloseTo(1, 12);
    expect(other).toBeCloseTo(1 / (1 + 2 * c * c), 12);
  });

  it('weighs term frequency sublinearly, 1 + ln(count)', () => {
    // "aaaa" → ' aa', 'aaa' ×2, 'aa '; query "aaa" → ' aa', 'aaa', 'aa '. All idf equal (df 1 of
    // N = 2), so cosine = (1 + t + 1) / (√3 · √(2 + t²)) with t = 1 + ln 2.
    const t = 1 + Math.log(2);
    const [[score]] = scoreAll(['aaa'], ['aaaa', 'bb']);
    expect(score).toBeCloseTo((2 + t) / (Math.sqrt(3) * Math.sqrt(2 + t * t)), 12);
  });

  it('gives exactly 0 to a candidate sharing no 3-gram, and ignores 3-grams no candidate has', () => {
    const [[zero, one]] = scoreAll(['xyz abc'], ['qqq', 'abc']);
    expect(zero).toBe(0);
    // ' xy', 'xyz', 'yz ', 'z a' occur in no candidate and are dropped before normalising, as in
    // scikit-learn: what remains (' ab', 'abc', 'bc ') is exactly the candidate's vector.
    expect(one).toBeCloseTo(1, 12);
    // A query whose 3-grams are all unknown scores 0 everywhere (no NaN from a zero norm).
    expect(scoreAll(['zzz'], ['abc'])).toEqual([[0]]);
  });

  it('scores blocks that do not start at query 0', () => {
    const source = tfidfChar3ScoreSource(['abc', 'abd'], ['abc', 'abd']);
    const out = new Float64Array(2);
    source.scoreBlock(1, 2, out);
    expect(out[1]).toBeCloseTo(1, 12);
    expect(out[0]).toBeLessThan(1);
  });
});
