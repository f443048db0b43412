// The XQuAD-R copy shipped in data/xquad-r: compressed, yet byte for byte the pinned upstream files.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bundledDataDir, findBundledXquadR } from '../../main/engine/datasets/bundled-data.ts';
import { sha256Hex } from '../../main/engine/datasets/data-file.ts';
import { XQUAD_R_PINNED } from '../../main/engine/datasets/pinned-files.ts';
import { listDatasets, loadDataset } from '../../main/engine/datasets/registry.ts';
import { XQUAD_R_LANGUAGES, xquadRFile } from '../../main/engine/datasets/xquad-r.ts';
import { tempDir } from './lareqa-fixture.ts';

describe('the bundled XQuAD-R', () => {
  it('decompresses, file by file, to exactly the pinned upstream bytes', () => {
    for (const lang of XQUAD_R_LANGUAGES) {
      const json = brotliDecompressSync(readFileSync(xquadRFile(bundledDataDir(), lang, { compressed: true })));
      expect({ lang, bytes: json.length, sha256: sha256Hex(json) }).toEqual({ lang, ...XQUAD_R_PINNED.files[lang] });
    }
  });

  it('ships its CC BY-SA 4.0 licence and attribution beside the files', () => {
    const folder = path.join(bundledDataDir(), 'xquad-r');
    expect(readFileSync(path.join(folder, 'LICENSE'), 'utf8')).toMatch(/Attribution-ShareAlike 4\.0 International/);
    const readme = readFileSync(path.join(folder, 'README.md'), 'utf8');
    expect(readme).toContain(XQUAD_R_PINNED.commit);
    expect(readme).toMatch(/CC BY-SA 4\.0/);
    expect(readme).toMatch(/Roy.*LAReQA/s);
  });

  it('is what a run reads when neither --data-dir nor XLIR_DATA_DIR is given, recorded with the upstream hashes', async () => {
    const { dataset, warnings } = await loadDataset({ name: 'xquad-r', langs: ['en', 'th'] }, { env: {} });
    expect(warnings).toEqual([]);
    expect(dataset.candidates).toHaveLength(1180 + 852);
    expect(dataset.queries).toHaveLength(2 * 1190);
    expect(dataset.files).toEqual(
      (['en', 'th'] as const).map((lang) => ({ path: xquadRFile(bundledDataDir(), lang, { compressed: true }), ...XQUAD_R_PINNED.files[lang] })),
    );
  });

  it('gives way to XLIR_DATA_DIR and --data-dir', async () => {
    const dir = tempDir('bundled-override');
    mkdirSync(path.join(dir, 'xquad-r'));
    writeFileSync(path.join(dir, 'xquad-r', 'en.json'), brotliDecompressSync(readFileSync(xquadRFile(bundledDataDir(), 'en', { compressed: true }))));
    for (const [options, env] of [[{ dataDir: dir }, {}], [{}, { XLIR_DATA_DIR: dir }]] as const) {
      const { dataset } = await loadDataset({ name: 'xquad-r', langs: ['en'], ...options }, { env });
      expect(dataset.files[0].path).toBe(path.join(dir, 'xquad-r', 'en.json'));
    }
  });

  it('is listed as bundled by xlir datasets', () => {
    const [xquad] = listDatasets({}, {});
    expect(xquad).toMatchObject({ name: 'xquad-r', found: true, bundled: true, location: path.join(bundledDataDir(), 'xquad-r') });
    expect(xquad.howTo).toMatch(/bundled/);
  });

  it('is not used when a file is missing, and a damaged file fails with a message naming it', async () => {
    const copy = tempDir('bundled-copy');
    mkdirSync(path.join(copy, 'xquad-r'));
    for (const lang of XQUAD_R_LANGUAGES.filter((l) => l !== 'zh')) copyFileSync(xquadRFile(bundledDataDir(), lang, { compressed: true }), xquadRFile(copy, lang, { compressed: true }));
    expect(findBundledXquadR(copy)).toBeNull();
    writeFileSync(xquadRFile(copy, 'zh', { compressed: true }), 'not brotli');
    expect(findBundledXquadR(copy)).toBe(copy);
    await expect(loadDataset({ name: 'xquad-r', langs: ['zh'] }, { env: {}, bundledDataDir: copy })).rejects.toThrow(/zh\.json\.br is not a readable brotli-compressed file/);
  });

  it('warns when a bundled file was altered, as for any copy that is not the pinned one', async () => {
    const copy = tempDir('bundled-altered');
    mkdirSync(path.join(copy, 'xquad-r'));
    for (const lang of XQUAD_R_LANGUAGES) copyFileSync(xquadRFile(bundledDataDir(), lang, { compressed: true }), xquadRFile(copy, lang, { compressed: true }));
    const json = JSON.parse(brotliDecompressSync(readFileSync(xquadRFile(copy, 'en', { compressed: true }))).toString('utf8'));
    writeFileSync(xquadRFile(copy, 'en', { compressed: true }), brotliCompressSync(JSON.stringify(json), { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } }));
    const { warnings } = await loadDataset({ name: 'xquad-r', langs: ['en'] }, { env: {}, bundledDataDir: copy });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/en\.json\.br differs from the pinned XQuAD-R file .*expected 7b0954f3/);
  });
});
