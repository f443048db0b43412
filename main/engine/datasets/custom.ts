import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { describeIssues, readDataFiles } from './data-file.ts';
import type { Candidate, Query, RetrievalDataset } from './retrieval-dataset.ts';

/** A user's own dataset: one folder of three JSON Lines files. The format: CUSTOM-FORMAT.md. */
export const CUSTOM_FILES = {
  queries: 'queries.jsonl',
  candidates: 'candidates.jsonl',
  qrels: 'qrels.jsonl',
} as const;

// Spreadsheets and scripts often write numeric ids; read them as the same strings.
const Id = z.union([z.string().min(1), z.number().int()]).transform(String);
const Text = z.string().trim().min(1, 'must not be empty');
const Lang = z.string().regex(/^\S+$/, 'must be a language code without spaces, e.g. "en"');

const QueryLine = z.object({ id: Id, lang: Lang, text: Text, group: Id.optional() });
const CandidateLine = z.object({ id: Id, lang: Lang, text: Text, context: Text.optional() });
const QrelLine = z.object({
  query: Id,
  candidate: Id,
  relevance: z.literal(1, 'only binary relevance is supported: list relevant pairs (relevance 1), omit the others').optional(),
});

interface Numbered<T> {
  line: number;
  value: T;
}

function parseJsonLines<T>(text: string, file: string, schema: z.ZodType<T>): Numbered<T>[] {
  const rows: Numbered<T>[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      throw new XlirError('DATASET_INVALID', `${file} line ${line}: not valid JSON (${(err as Error).message}); each line must be one JSON object.`, { cause: err });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new XlirError('DATASET_INVALID', `${file} line ${line}:\n${describeIssues(parsed.error)}`);
    rows.push({ line, value: parsed.data });
  });
  if (rows.length === 0) throw new XlirError('DATASET_INVALID', `${file} has no entries.`);
  return rows;
}

function indexById<T extends { id: string }>(rows: Numbered<T>[], file: string): Map<string, Numbered<T>> {
  const byId = new Map<string, Numbered<T>>();
  for (const row of rows) {
    const earlier = byId.get(row.value.id);
    if (earlier) throw new XlirError('DATASET_INVALID', `${file} line ${row.line}: id "${row.value.id}" is already used on line ${earlier.line}.`);
    byId.set(row.value.id, row);
  }
  return byId;
}

/** Loads `{dir}/{queries,candidates,qrels}.jsonl`; the dataset is named after the folder. */
export async function loadCustomDataset(dir: string): Promise<RetrievalDataset> {
  const folder = path.resolve(dir);
  const hint = `a custom dataset folder holds ${Object.values(CUSTOM_FILES).join(', ')} (see main/engine/datasets/CUSTOM-FORMAT.md).`;
  const paths = {
    queries: path.join(folder, CUSTOM_FILES.queries),
    candidates: path.join(folder, CUSTOM_FILES.candidates),
    qrels: path.join(folder, CUSTOM_FILES.qrels),
  };
  const [queriesFile, candidatesFile, qrelsFile] = await readDataFiles([paths.queries, paths.candidates, paths.qrels], hint);
  const queryRows = indexById(parseJsonLines(queriesFile.text, paths.queries, QueryLine), paths.queries);
  const candidateRows = indexById(parseJsonLines(candidatesFile.text, paths.candidates, CandidateLine), paths.candidates);

  const relevant = new Map<string, string[]>();
  const seenPairs = new Map<string, number>();
  for (const { line, value } of parseJsonLines(qrelsFile.text, paths.qrels, QrelLine)) {
    const at = `${paths.qrels} line ${line}`;
    if (!queryRows.has(value.query)) throw new XlirError('DATASET_INVALID', `${at}: query "${value.query}" is not in ${CUSTOM_FILES.queries}.`);
    if (!candidateRows.has(value.candidate)) throw new XlirError('DATASET_INVALID', `${at}: candidate "${value.candidate}" is not in ${CUSTOM_FILES.candidates}.`);
    const pair = JSON.stringify([value.query, value.candidate]);
    const earlier = seenPairs.get(pair);
    if (earlier !== undefined) throw new XlirError('DATASET_INVALID', `${at}: the pair (${value.query}, ${value.candidate}) is already listed on line ${earlier}.`);
    seenPairs.set(pair, line);
    const list = relevant.get(value.query);
    if (list) list.push(value.candidate);
    else relevant.set(value.query, [value.candidate]);
  }

  const unanswered = [...queryRows.values()].filter((row) => !relevant.has(row.value.id));
  if (unanswered.length > 0) {
    const examples = unanswered.slice(0, 5).map((row) => `"${row.value.id}" (line ${row.line})`).join(', ');
    throw new XlirError(
      'DATASET_INVALID',
      `${paths.queries}: ${unanswered.length} quer${unanswered.length === 1 ? 'y has' : 'ies have'} no relevant candidate in ${CUSTOM_FILES.qrels}: ${examples}. ` +
        'Every query needs at least one, or its average precision is undefined; remove such queries or add their answers.',
    );
  }

  const queries: Query[] = [...queryRows.values()].map(({ value }) => ({
    id: value.id,
    lang: value.lang,
    text: value.text,
    group: value.group ?? value.id,
    relevant: relevant.get(value.id)!,
  }));
  const candidates: Candidate[] = [...candidateRows.values()].map(({ value: { context, ...rest } }) => (context === undefined ? rest : { ...rest, context }));
  const languages = [...new Set([...queries, ...candidates].map((x) => x.lang))].sort();
  return {
    name: path.basename(folder),
    languages,
    queries,
    candidates,
    files: [queriesFile.record, candidatesFile.record, qrelsFile.record],
  };
}
