import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { saveEmbeddings } from '../../main/engine/embeddings/save-embeddings.ts';
import { safeFileName } from '../../main/engine/safe-file-name.ts';

const embeddings = {
  queries: [{ id: 'q1', lang: 'en', text: 'a?', relevant: ['c1'] }],
  candidates: [{ id: 'c1', lang: 'de', text: 'b.' }],
  queryEmbeddings: new Float32Array([1, 0]),
  candidateEmbeddings: new Float32Array([0, 1]),
  dimension: 2,
};

describe('saving embeddings under a model name', () => {
  it('writes inside the folder it is given, whatever the model calls itself', async () => {
    for (const name of ['..', '.', '../../etc', '/abs/path', 'a\\..\\b', 'nul', '', ' .. ']) {
      const parent = mkdtempSync(path.join(os.tmpdir(), 'xlir-emb-'));
      const dir = path.join(parent, 'out');
      mkdirSync(dir);
      const where = await saveEmbeddings(dir, name, embeddings as never);
      expect(path.dirname(where), JSON.stringify(name)).toBe(dir);
      expect(readdirSync(parent)).toEqual(['out']);
      for (const file of ['queries.npy', 'candidates.npy', 'queries.json', 'candidates.json']) expect(existsSync(path.join(where, file))).toBe(true);
    }
  });

  it('keeps a plain model name as it is', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'xlir-emb-'));
    expect(await saveEmbeddings(dir, 'xlir-mini_hybrid.v2', embeddings as never)).toBe(path.join(dir, 'xlir-mini_hybrid.v2'));
  });
});

describe('safe file names', () => {
  it('are one plain path component, distinct for distinct names', () => {
    const names = ['..', '.', '...', '../x', '..\\x', 'a/b', 'a_b', 'CON', 'con.txt', 'LPT1', 'x.', '', 'é', '\u0000', 'a'.repeat(300)];
    const safe = names.map(safeFileName);
    for (const s of safe) {
      expect(s).toMatch(/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/);
      expect(s.length).toBeLessThanOrEqual(120);
      expect(s.endsWith('.')).toBe(false);
      expect(/^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i.test(s)).toBe(false);
    }
    expect(new Set(safe).size).toBe(names.length);
    expect(safeFileName('e5-small')).toBe('e5-small');
  });
});
