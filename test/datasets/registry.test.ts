import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataCacheDir, resolveDataDir } from '../../main/engine/datasets/data-dir.ts';
import { listDatasets, loadDataset } from '../../main/engine/datasets/registry.ts';
import { serveFolder, type FileServer } from './file-server.ts';
import { lareqaFile, tempDir, writeLanguageFiles } from './lareqa-fixture.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = process.env.XLIR_DATA_DIR || path.resolve(repoRoot, '../shared/data');

describe('data folder resolution', () => {
  it('prefers --data-dir, then XLIR_DATA_DIR, then the bundled data, then the cache under XLIR_CACHE_DIR or ~/.cache/xlir-bench', () => {
    const env = { XLIR_DATA_DIR: '/env/data', XLIR_CACHE_DIR: '/cache' };
    expect(resolveDataDir('rel/dir', env, '/bundled')).toEqual({ dir: path.resolve('rel/dir'), source: 'option' });
    expect(resolveDataDir(undefined, env, '/bundled')).toEqual({ dir: '/env/data', source: 'env' });
    expect(resolveDataDir(undefined, { XLIR_CACHE_DIR: '/cache' }, '/bundled')).toEqual({ dir: '/bundled', source: 'bundled' });
    expect(resolveDataDir(undefined, { XLIR_CACHE_DIR: '/cache' }, null)).toEqual({ dir: '/cache/data', source: 'cache' });
    expect(dataCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'xlir-bench', 'data'));
  });
});

describe('loadDataset', () => {
  let server: FileServer;
  beforeAll(async () => {
    server = await serveFolder(path.join(dataDir, 'xquad-r'));
  });
  afterAll(() => server.close());

  it('downloads the pinned XQuAD-R files into the cache when no data folder is given and the install has no bundled copy', async () => {
    const cache = tempDir('registry-cache');
    const { dataset, warnings } = await loadDataset(
      { name: 'xquad-r', langs: ['en', 'de'], maxQueries: 10, seed: 4 },
      { env: { XLIR_CACHE_DIR: cache }, download: { baseUrl: server.baseUrl }, bundledDataDir: null },
    );
    expect(server.requests.sort()).toEqual(['de.json', 'en.json']);
    expect(dataset.files.map((f) => f.path)).toEqual([path.join(cache, 'data', 'xquad-r', 'de.json'), path.join(cache, 'data', 'xquad-r', 'en.json')]);
    expect(dataset.queries).toHaveLength(20);
    expect(dataset.candidates).toHaveLength(1276 + 1180);
    expect(warnings).toEqual([]);
    expect(listDatasets({}, { XLIR_CACHE_DIR: cache }, null)[0]).toMatchObject({ name: 'xquad-r', found: false, bundled: false });
  });

  it('warns, without failing, when a --data-dir file is not the pinned one, naming both hashes', async () => {
    const dir = tempDir('registry-modified');
    mkdirSync(path.join(dir, 'xquad-r'));
    // Same content, different bytes: re-serialised JSON.
    writeFileSync(path.join(dir, 'xquad-r', 'en.json'), JSON.stringify(JSON.parse(readFileSync(path.join(dataDir, 'xquad-r', 'en.json'), 'utf8')), null, 1));
    const { dataset, warnings } = await loadDataset({ name: 'xquad-r', dataDir: dir, langs: ['en'] }, { env: {} });
    expect(dataset.queries).toHaveLength(1190);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/xquad-r\/en\.json differs from the pinned XQuAD-R file \(sha256 [0-9a-f]{64}, \d+ bytes; expected 7b0954f3/);
  });

  it('takes XLIR_DATA_DIR when no --data-dir is given, and names a data folder without xquad-r/', async () => {
    const dir = tempDir('registry-env');
    writeLanguageFiles(dir, 'xquad-r', { en: lareqaFile([[{ sentences: ['A.'], questions: [['q', 'A?', 0]] }]]) });
    const { dataset } = await loadDataset({ name: 'xquad-r', langs: ['en'] }, { env: { XLIR_DATA_DIR: dir } });
    expect(dataset.candidates).toEqual([{ id: 'en_0_0', lang: 'en', text: 'A.', context: 'A.' }]);
    const empty = tempDir('registry-empty');
    await expect(loadDataset({ name: 'xquad-r' }, { env: { XLIR_DATA_DIR: empty } })).rejects.toThrow(
      `${path.join(empty, 'xquad-r')} not found: the data folder from XLIR_DATA_DIR must hold xquad-r/{lang}.json`,
    );
  });

  it('needs a folder for the custom dataset', async () => {
    await expect(loadDataset({ name: 'custom' }, { env: {} })).rejects.toThrow(/custom dataset needs its folder: pass --dataset-path DIR/);
  });
});

describe('listDatasets', () => {
  it('describes the three datasets and whether their files are at hand', () => {
    const [xquad, mlqa, custom] = listDatasets({ dataDir });
    expect(xquad).toMatchObject({ name: 'xquad-r', found: true, bundled: false, location: path.join(dataDir, 'xquad-r'), licence: 'CC BY-SA 4.0' });
    expect(xquad.languages).toHaveLength(11);
    expect(mlqa).toMatchObject({ name: 'mlqa-r', found: false, languages: ['ar', 'de', 'en', 'es', 'hi', 'vi', 'zh'] });
    expect(mlqa.licence).toMatch(/CC BY-NC 4\.0/);
    expect(custom).toMatchObject({ name: 'custom', languages: [] });
    const nowhere = tempDir('list-empty');
    expect(listDatasets({ dataDir: nowhere })[0]).toMatchObject({ found: false, howTo: expect.stringMatching(/--data-dir must point at a folder holding xquad-r/) });
  });
});
