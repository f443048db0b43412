import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findMlqaRFolder, loadMlqaR } from '../../main/engine/datasets/mlqa-r.ts';
import { loadDataset } from '../../main/engine/datasets/registry.ts';
import { lareqaFile, tempDir, writeLanguageFiles } from './lareqa-fixture.ts';

// Like MLQA: q1 exists in en, de and ar; q2 only in en and zh; q3 only in English.
const files = {
  en: lareqaFile([[{ sentences: ['One.', 'Two.'], questions: [['q1', 'One?', 0], ['q2', 'Two?', 1], ['q3', 'Three?', 0]] }]]),
  de: lareqaFile([[{ sentences: ['Eins.'], questions: [['q1', 'Eins?', 0]] }]]),
  ar: lareqaFile([[{ sentences: ['واحد.'], questions: [['q1', 'واحد؟', 0]] }]]),
  zh: lareqaFile([[{ sentences: ['一。', '二。'], questions: [['q2', '二？', 1]] }]]),
  es: lareqaFile([[{ sentences: ['Otra.'], questions: [] }]]),
  hi: lareqaFile([[{ sentences: ['एक.'], questions: [] }]]),
  vi: lareqaFile([[{ sentences: ['Một.'], questions: [] }]]),
};

describe('MLQA-R', () => {
  it('gives each query the answers of the languages that have its question, and no error for the gaps', async () => {
    const folder = writeLanguageFiles(tempDir('mlqa'), 'mlqa-dev-r', files);
    const dataset = await loadMlqaR(folder);
    expect(dataset.languages).toEqual(['ar', 'de', 'en', 'es', 'hi', 'vi', 'zh']);
    const relevant = Object.fromEntries(dataset.queries.map((q) => [q.id, q.relevant]));
    expect(relevant).toEqual({
      ar_q1: ['ar_0_0', 'de_0_0', 'en_0_0'],
      de_q1: ['ar_0_0', 'de_0_0', 'en_0_0'],
      en_q1: ['ar_0_0', 'de_0_0', 'en_0_0'],
      en_q2: ['en_0_1', 'zh_0_1'],
      en_q3: ['en_0_0'],
      zh_q2: ['en_0_1', 'zh_0_1'],
    });
    expect(dataset.candidates).toHaveLength(9);
  });

  it('finds the files in the folder given or in its mlqa-r/ or mlqa-dev-r/ folder', () => {
    const dir = tempDir('mlqa-find');
    expect(findMlqaRFolder(dir)).toBeUndefined();
    const nested = writeLanguageFiles(dir, 'mlqa-r', { en: files.en });
    expect(findMlqaRFolder(dir)).toBe(nested);
    expect(findMlqaRFolder(nested)).toBe(nested);
    const other = tempDir('mlqa-find-dev');
    writeLanguageFiles(other, 'mlqa-dev-r', { de: files.de });
    expect(findMlqaRFolder(other)).toBe(path.join(other, 'mlqa-dev-r'));
  });

  it('loads through --dataset-path with a language subset, and says which files are missing otherwise', async () => {
    const dir = tempDir('mlqa-path');
    writeLanguageFiles(dir, 'mlqa-r', { en: files.en, zh: files.zh });
    const { dataset, warnings } = await loadDataset({ name: 'mlqa-r', path: dir, langs: ['zh', 'en'] }, { env: {} });
    expect(dataset.languages).toEqual(['en', 'zh']);
    expect(dataset.queries.map((q) => q.id)).toEqual(['en_q1', 'en_q2', 'en_q3', 'zh_q2']);
    expect(warnings).toEqual([]);
    await expect(loadDataset({ name: 'mlqa-r', path: dir }, { env: {} })).rejects.toThrow(/lacks MLQA-R file\(s\) ar\.json, de\.json, es\.json, hi\.json, vi\.json\. Use --langs en,zh/);
  });

  it('explains that MLQA-R cannot be downloaded when no copy is given', async () => {
    await expect(loadDataset({ name: 'mlqa-r' }, { env: { XLIR_CACHE_DIR: tempDir('mlqa-cache') } })).rejects.toThrow(/MLQA-R cannot be downloaded .*--dataset-path DIR/);
  });
});
