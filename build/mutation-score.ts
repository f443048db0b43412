import path from 'node:path';

// Mutation scores from Stryker's mutant results, as Stryker defines them: detected (killed or timed
// out) ÷ (detected + undetected (survived or not covered by any test)). Mutants that do not compile
// or crash the runtime, and ignored ones, count neither way.

/** The fields of Stryker's MutantResult this needs. */
export interface MutantOutcome {
  fileName: string;
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

export interface FileScore {
  file: string;
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Compile and runtime errors: not counted in the score. */
  errors: number;
  /** detected ÷ valid, 0–1; null where no mutant counts. */
  score: number | null;
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function scoreOf(counts: Omit<FileScore, 'file' | 'score'>): number | null {
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  return valid > 0 ? detected / valid : null;
}

/** Scores per file (paths relative to `root`, sorted) and the total over all of them. */
export function mutationScores(results: readonly MutantOutcome[], root: string): { files: FileScore[]; total: FileScore } {
  const byFile = new Map<string, Omit<FileScore, 'score'>>();
  const total = { file: 'all files', killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 };
  for (const r of results) {
    const file = relative(r.fileName, root);
    let counts = byFile.get(file);
    if (!counts) byFile.set(file, (counts = { file, killed: 0, timeout: 0, survived: 0, noCoverage: 0, errors: 0 }));
    const key = ({ Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage', CompileError: 'errors', RuntimeError: 'errors' } as const)[r.status];
    if (key === undefined) continue;
    counts[key]++;
    total[key]++;
  }
  const files = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file)).map((c) => ({ ...c, score: scoreOf(c) }));
  return { files, total: { ...total, score: scoreOf(total) } };
}

/** The undetected mutants, one line each: where, which mutator, what it put there. */
export function undetectedMutants(results: readonly MutantOutcome[], root: string): string[] {
  return results
    .filter((r) => UNDETECTED.has(r.status))
    .map((r) => ({ r, file: relative(r.fileName, root) }))
    .sort((a, b) => a.file.localeCompare(b.file) || a.r.location.start.line - b.r.location.start.line || a.r.location.start.column - b.r.location.start.column)
    .map(({ r, file }) => `${file}:${r.location.start.line}:${r.location.start.column} ${r.status} ${r.mutatorName}: ${oneLine(r.replacement ?? '')}`);
}

/** The score table, then the total as the last line: `mutation_score=X` (0–1). */
export function renderScores(scores: { files: FileScore[]; total: FileScore }): string {
  const rows = [...scores.files, scores.total].map((f) => [
    f.file,
    f.score === null ? 'n/a' : `${(f.score * 100).toFixed(1)} %`,
    String(f.killed),
    String(f.timeout),
    String(f.survived),
    String(f.noCoverage),
    String(f.errors),
  ]);
  const header = ['file', 'score', 'killed', 'timeout', 'survived', 'no cov', 'errors'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const total = scores.total.score;
  return [line(header), ...rows.map(line), `mutation_score=${total === null ? 'n/a' : total.toFixed(4)}`].join('\n');
}

function relative(file: string, root: string): string {
  return path.relative(root, path.resolve(root, file)).split(path.sep).join('/');
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 100 ? `${flat.slice(0, 97)}...` : flat;
}
