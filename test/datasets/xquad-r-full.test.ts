// The real XQuAD-R files from the shared data folder (../shared/data next to the repository, or
// $XLIR_DATA_DIR), parsed once; every expected number comes from xquad-r/PROVENANCE.md there.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../main/engine/datasets/registry.ts';
import type { RetrievalDataset } from '../../main/engine/datasets/retrieval-dataset.ts';
import { selectSubset } from '../../main/engine/datasets/select.ts';
import { XQUAD_R_PINNED } from '../../main/engine/datasets/pinned-files.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.XLIR_DATA_DIR || path.resolve(repoRoot, '../shared/data');

const CANDIDATES: Record<string, number> = { ar: 1222, de: 1276, el: 1234, en: 1180, es: 1215, hi: 1244, ru: 1219, th: 852, tr: 1167, vi: 1209, zh: 1196 };

describe('XQuAD-R, the full pinned files', () => {
  let dataset: RetrievalDataset;
  let warnings: string[];
  beforeAll(async () => {
    if (!existsSync(path.join(dataDir, 'xquad-r', 'en.json'))) {
      throw new Error(`XQuAD-R not found under ${dataDir}: these tests read ../shared/data (or $XLIR_DATA_DIR).`);
    }
    ({ dataset, warnings } = await loadDataset({ name: 'xquad-r', dataDir }, { env: {} }));
  });

  it('has 13,014 candidates with the per-language counts upstream publishes', () => {
    expect(dataset.candidates).toHaveLength(13014);
    const counts: Record<string, number> = {};
    for (const c of dataset.candidates) counts[c.lang] = (counts[c.lang] ?? 0) + 1;
    expect(counts).toEqual(CANDIDATES);
    expect(new Set(dataset.candidates.map((c) => c.id)).size).toBe(13014);
  });

  it('has the same 1,190 questions in each of the 11 languages, each with one relevant candidate per language', () => {
    expect(dataset.languages).toEqual(Object.keys(CANDIDATES));
    expect(dataset.queries).toHaveLength(11 * 1190);
    const candidateLang = new Map(dataset.candidates.map((c) => [c.id, c.lang]));
    const expected = dataset.languages.join();
    const wrong = dataset.queries.filter((q) => q.relevant.map((id) => candidateLang.get(id)).join() !== expected || q.id !== `${q.lang}_${q.group}`);
    expect(wrong).toEqual([]);
    const groups = new Map<string, string[]>();
    for (const q of dataset.queries) groups.set(q.group, [...(groups.get(q.group) ?? []), q.lang]);
    expect(groups.size).toBe(1190);
    expect([...groups.values()].filter((langs) => langs.join() !== expected)).toEqual([]);
  });

  it('answers the first English question with the sentence that holds "308"', () => {
    const q = dataset.queries.find((x) => x.id === 'en_56beb4343aeaaa14008c925b')!;
    expect(q.text).toBe('How many points did the Panthers defense surrender?');
    const answer = dataset.candidates.find((c) => c.id === q.relevant[dataset.languages.indexOf('en')])!;
    expect(answer.id).toBe('en_0_0');
    expect(answer.text).toMatch(/^The Panthers defense gave up just 308 points,.*Pro Bowl selections\.$/);
  });

  it('strips byte-order marks and surrounding whitespace from every candidate', () => {
    const raw = JSON.parse(readFileSync(path.join(dataDir, 'xquad-r', 'de.json'), 'utf8'));
    // de paragraph 25 (the first of article 5) starts with U+FEFF in the file.
    expect(raw.data[5].paragraphs[0].context.startsWith('\uFEFFIn der Vergangenheit')).toBe(true);
    expect(dataset.candidates.find((c) => c.id === 'de_25_0')?.text.startsWith('In der Vergangenheit')).toBe(true);
    expect(dataset.candidates.find((c) => c.id === 'en_70_0')?.text.startsWith("Seamans' establishment")).toBe(true);
    expect(dataset.candidates.filter((c) => /^[\s\uFEFF]|[\s\uFEFF]$/.test(c.text))).toEqual([]);
  });

  it('takes Turkish paragraph 48 from sentence_breaks, where the sentences field disagrees', () => {
    const raw = JSON.parse(readFileSync(path.join(dataDir, 'xquad-r', 'tr.json'), 'utf8'));
    const paragraphs = raw.data.flatMap((a: { paragraphs: unknown[] }) => a.paragraphs);
    const p48 = paragraphs[48] as { context: string; sentence_breaks: [number, number][]; sentences: string[] };
    const [start, end] = p48.sentence_breaks[3];
    expect(p48.sentences[3]).not.toBe(p48.context.slice(start, end));
    expect(dataset.candidates.find((c) => c.id === 'tr_48_3')?.text).toBe(p48.context.slice(start, end).trim());
  });

  it('reports the sha256 of each file read, equal to the pinned one, so no warning', () => {
    expect(warnings).toEqual([]);
    expect(dataset.files.map((f) => [path.basename(f.path, '.json'), f.sha256, f.bytes])).toEqual(
      Object.entries(XQUAD_R_PINNED.files).map(([lang, pinned]) => [lang, pinned.sha256, pinned.bytes]),
    );
  });

  describe('subsets', () => {
    const ids = (d: RetrievalDataset) => d.queries.map((q) => q.id);

    it('picks the same questions for the same seed and different ones for another seed', () => {
      const a = selectSubset(dataset, { maxQueries: 50, seed: 7 }).dataset;
      const b = selectSubset(dataset, { maxQueries: 50, seed: 7 }).dataset;
      const c = selectSubset(dataset, { maxQueries: 50, seed: 8 }).dataset;
      expect(ids(a)).toEqual(ids(b));
      expect(ids(a)).not.toEqual(ids(c));
      expect(a.queries).toHaveLength(50 * 11);
    });

    it('asks the same question groups in every language and never shrinks the candidate pool', () => {
      const { dataset: subset, warnings: w } = selectSubset(dataset, { maxQueries: 30, seed: 3 });
      const byLang = new Map<string, string[]>();
      for (const q of subset.queries) byLang.set(q.lang, [...(byLang.get(q.lang) ?? []), q.group]);
      const groupLists = [...byLang.values()];
      expect(groupLists).toHaveLength(11);
      for (const groups of groupLists) expect(groups).toEqual(groupLists[0]);
      expect(subset.candidates.map((c) => c.id)).toEqual(dataset.candidates.map((c) => c.id));
      expect(w).toEqual([]);
    });

    it('keeps the same questions when languages are narrowed, and only their candidates and relevant ids', () => {
      const all = selectSubset(dataset, { maxQueries: 20, seed: 5 }).dataset;
      const two = selectSubset(dataset, { langs: ['zh', 'en'], maxQueries: 20, seed: 5 }).dataset;
      expect(two.languages).toEqual(['en', 'zh']);
      expect(new Set(two.queries.map((q) => q.group))).toEqual(new Set(all.queries.map((q) => q.group)));
      expect(two.candidates).toHaveLength(1180 + 1196);
      for (const q of two.queries) expect(q.relevant.map((id) => id.slice(0, 2))).toEqual(['en', 'zh']);
    });
  });
});
