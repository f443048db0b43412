import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCustomDataset } from '../../main/engine/datasets/custom.ts';
import { loadDataset } from '../../main/engine/datasets/registry.ts';
import { XlirError } from '../../main/engine/errors.ts';
import { tempDir } from './lareqa-fixture.ts';

const lines = (rows: unknown[]) => rows.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n';

const valid = {
  queries: [
    { id: 'q1-en', lang: 'en', text: 'Who wrote Hamlet?', group: 'q1' },
    { id: 'q1-de', lang: 'de', text: ' Wer schrieb Hamlet? ', group: 'q1' },
    { id: 7, lang: 'en', text: 'What is the capital of France?' },
  ],
  candidates: [
    { id: 'c1', lang: 'en', text: 'Hamlet is a tragedy by William Shakespeare.' },
    { id: 'c2', lang: 'de', text: 'Hamlet ist eine Tragödie von William Shakespeare.' },
    { id: 'c3', lang: 'en', text: 'Paris is the capital of France.', source: 'extra fields are ignored' },
  ],
  qrels: [
    { query: 'q1-en', candidate: 'c1' },
    { query: 'q1-en', candidate: 'c2', relevance: 1 },
    { query: 'q1-de', candidate: 'c1' },
    { query: 'q1-de', candidate: 'c2' },
    { query: '7', candidate: 'c3' },
  ],
};

function writeDataset(overrides: Partial<Record<keyof typeof valid, unknown[]>> = {}): string {
  const dir = path.join(tempDir('custom'), 'my-set');
  const all = { ...valid, ...overrides };
  mkdirSync(dir);
  for (const [name, rows] of Object.entries(all)) {
    writeFileSync(path.join(dir, `${name}.jsonl`), lines(rows));
  }
  return dir;
}

async function errorOf(dir: string): Promise<XlirError> {
  const err = await loadCustomDataset(dir).then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(XlirError);
  return err as XlirError;
}

describe('custom dataset (queries.jsonl, candidates.jsonl, qrels.jsonl)', () => {
  it('reads queries, candidates and relevance pairs, named after the folder', async () => {
    const dataset = await loadCustomDataset(writeDataset());
    expect(dataset.name).toBe('my-set');
    expect(dataset.languages).toEqual(['de', 'en']);
    expect(dataset.queries).toEqual([
      { id: 'q1-en', lang: 'en', text: 'Who wrote Hamlet?', group: 'q1', relevant: ['c1', 'c2'] },
      { id: 'q1-de', lang: 'de', text: 'Wer schrieb Hamlet?', group: 'q1', relevant: ['c1', 'c2'] },
      { id: '7', lang: 'en', text: 'What is the capital of France?', group: '7', relevant: ['c3'] },
    ]);
    expect(dataset.candidates[2]).toEqual({ id: 'c3', lang: 'en', text: 'Paris is the capital of France.' });
    expect(dataset.files.map((f) => path.basename(f.path))).toEqual(['queries.jsonl', 'candidates.jsonl', 'qrels.jsonl']);
  });

  it('keeps a candidate\'s context (its passage) when candidates.jsonl gives one', async () => {
    const withContext = valid.candidates.map((c, i) => (i === 0 ? { ...c, context: ' Hamlet is a tragedy by William Shakespeare. It is long. ' } : c));
    const dataset = await loadCustomDataset(writeDataset({ candidates: withContext }));
    expect(dataset.candidates[0]).toEqual({ id: 'c1', lang: 'en', text: 'Hamlet is a tragedy by William Shakespeare.', context: 'Hamlet is a tragedy by William Shakespeare. It is long.' });
    expect(dataset.candidates[1]).not.toHaveProperty('context');
  });

  it('goes through loadDataset with --langs, dropping relevant ids outside them', async () => {
    const { dataset } = await loadDataset({ name: 'custom', path: writeDataset(), langs: ['en'] }, { env: {} });
    expect(dataset.candidates.map((c) => c.id)).toEqual(['c1', 'c3']);
    expect(dataset.queries.map((q) => [q.id, q.relevant])).toEqual([['q1-en', ['c1']], ['7', ['c3']]]);
  });

  it('names file and line of a line that is not JSON or lacks a field', async () => {
    const notJson = await errorOf(writeDataset({ candidates: [valid.candidates[0], '{"id": "c2", "lang": "de",'] }));
    expect(notJson.message).toMatch(/candidates\.jsonl line 2: not valid JSON/);
    const noText = await errorOf(writeDataset({ queries: [valid.queries[0], { id: 'q1-de', lang: 'de' }, valid.queries[2]] }));
    expect(noText.message).toMatch(/queries\.jsonl line 2:\n {2}\$\.text: /);
  });

  it('rejects duplicate ids, unknown ids in qrels, graded relevance, and queries without a relevant candidate', async () => {
    expect((await errorOf(writeDataset({ candidates: [...valid.candidates, valid.candidates[0]] }))).message).toMatch(
      /candidates\.jsonl line 4: id "c1" is already used on line 1/,
    );
    expect((await errorOf(writeDataset({ qrels: [...valid.qrels, { query: 'q1-en', candidate: 'c9' }] }))).message).toMatch(
      /qrels\.jsonl line 6: candidate "c9" is not in candidates\.jsonl/,
    );
    expect((await errorOf(writeDataset({ qrels: [{ query: 'nope', candidate: 'c1' }] }))).message).toMatch(/qrels\.jsonl line 1: query "nope" is not in queries\.jsonl/);
    expect((await errorOf(writeDataset({ qrels: [...valid.qrels, { query: 'q1-en', candidate: 'c3', relevance: 0 }] }))).message).toMatch(
      /qrels\.jsonl line 6:\n {2}\$\.relevance: only binary relevance/,
    );
    const unanswered = await errorOf(writeDataset({ qrels: valid.qrels.slice(0, 4) }));
    expect(unanswered.message).toMatch(/queries\.jsonl: 1 query has no relevant candidate in qrels\.jsonl: "7" \(line 3\)/);
  });

  it('says which file is missing', async () => {
    const dir = tempDir('custom-empty');
    const err = await errorOf(dir);
    expect(err.code).toBe('DATASET_FILE_MISSING');
    expect(err.message).toMatch(/queries\.jsonl not found: a custom dataset folder holds queries\.jsonl, candidates\.jsonl, qrels\.jsonl/);
  });
});
