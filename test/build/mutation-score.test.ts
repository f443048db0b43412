import { describe, expect, it } from 'vitest';
import { mutationScores, renderScores, undetectedMutants, type MutantOutcome } from '../../build/mutation-score.ts';

const at = (fileName: string, status: string, line = 1, replacement = 'false'): MutantOutcome => ({
  fileName,
  status,
  mutatorName: 'ConditionalExpression',
  replacement,
  location: { start: { line, column: 5 } },
});

describe('mutation scores', () => {
  const root = '/repo';
  const results = [
    ...['Killed', 'Killed', 'Timeout', 'Survived', 'NoCoverage', 'CompileError', 'Ignored'].map((s, i) => at('/repo/main/b.ts', s, i + 1)),
    at('/repo/main/a.ts', 'Killed'),
    at('/repo/main/a.ts', 'RuntimeError'),
  ];

  it('counts killed and timed-out mutants as detected, survivors and uncovered ones against, errors and ignored neither way', () => {
    const { files, total } = mutationScores(results, root);
    expect(files.map((f) => f.file)).toEqual(['main/a.ts', 'main/b.ts']);
    expect(files[1]).toEqual({ file: 'main/b.ts', killed: 2, timeout: 1, survived: 1, noCoverage: 1, errors: 1, score: 3 / 5 });
    expect(files[0]).toMatchObject({ killed: 1, errors: 1, score: 1 });
    expect(total).toEqual({ file: 'all files', killed: 3, timeout: 1, survived: 1, noCoverage: 1, errors: 2, score: 4 / 6 });
  });

  it('has no score for a file whose mutants all failed to compile', () => {
    expect(mutationScores([at('/repo/x.ts', 'CompileError')], root).files[0].score).toBeNull();
    expect(renderScores(mutationScores([], root)).split('\n').at(-1)).toBe('mutation_score=n/a');
  });

  it('prints a row per file, then the total, and the score as the last line', () => {
    const lines = renderScores(mutationScores(results, root)).split('\n');
    expect(lines[0]).toMatch(/^file\s+score\s+killed\s+timeout\s+survived\s+no cov\s+errors$/);
    expect(lines[1]).toMatch(/^main\/a\.ts\s+100\.0 %\s+1\s+0\s+0\s+0\s+1$/);
    expect(lines[2]).toMatch(/^main\/b\.ts\s+60\.0 %\s+2\s+1\s+1\s+1\s+1$/);
    expect(lines[3]).toMatch(/^all files\s+66\.7 %/);
    expect(lines.at(-1)).toBe('mutation_score=0.6667');
  });

  it('lists the undetected mutants by place, on one line each', () => {
    const many = [at('/repo/main/b.ts', 'Survived', 9, 'if (x) {\n  y();\n}'), at('/repo/main/a.ts', 'NoCoverage', 3), at('/repo/main/b.ts', 'Survived', 2)];
    expect(undetectedMutants(many, root)).toEqual([
      'main/a.ts:3:5 NoCoverage ConditionalExpression: false',
      'main/b.ts:2:5 Survived ConditionalExpression: false',
      'main/b.ts:9:5 Survived ConditionalExpression: if (x) { y(); }',
    ]);
  });
});
