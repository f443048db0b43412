import { createHash } from 'node:crypto';
import { constants } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';
import type { z } from 'zod';
import { XlirError } from '../errors.ts';
import type { RetrievalDataset } from './retrieval-dataset.ts';

export type DataFileRecord = RetrievalDataset['files'][number];

/** A dataset file read once: its text for parsing and its sha256 for the report. */
export interface DataFile {
  text: string;
  record: DataFileRecord;
}

// fatal: bad UTF-8 is an error, not silent U+FFFD; a leading UTF-8 BOM is dropped, as JSON.parse refuses it.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A data file whose name ends with this is brotli-compressed (the XQuAD-R copies the tool ships).
 * It is read decompressed, and its record's sha256 and bytes are those of the decompressed
 * content: the same as the upstream file's, so results name the same data wherever it came from.
 */
export const BROTLI_SUFFIX = '.br';

const decompressBrotli = promisify(brotliDecompress);

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The most text a dataset file may hold: the longest string JavaScript has (2^29 − 24 characters,
 * `buffer.constants.MAX_STRING_LENGTH`). A larger file could not be decoded, and reading it first
 * would take its size in memory for nothing.
 */
export const MAX_DATA_FILE_BYTES = constants.MAX_STRING_LENGTH;

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/** Reads `file`; `missingHint` says what the user should do when it is absent. */
export async function readDataFile(file: string, missingHint: string): Promise<DataFile> {
  let bytes: Buffer;
  try {
    const { size } = await stat(file);
    if (size > MAX_DATA_FILE_BYTES) {
      throw new XlirError('DATASET_TOO_LARGE', `${file} is ${mib(size)}: more than the ${mib(MAX_DATA_FILE_BYTES)} of text a dataset file may hold (the longest string JavaScript has); a dataset file is JSON of a few MB. Is it the right file?`);
    }
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof XlirError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new XlirError(
      'DATASET_FILE_MISSING',
      code === 'ENOENT' ? `${file} not found: ${missingHint}` : `${file} could not be read: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (file.endsWith(BROTLI_SUFFIX)) {
    try {
      bytes = await decompressBrotli(bytes);
    } catch (err) {
      throw new XlirError('DATASET_INVALID', `${file} is not a readable brotli-compressed file (${(err as Error).message}); reinstall the tool or pass --data-dir.`, { cause: err });
    }
  }
  // JSON text never holds a NUL byte (in UTF-8 it is only ever U+0000, which JSON must escape).
  const nul = bytes.indexOf(0);
  if (nul !== -1) throw new XlirError('DATASET_INVALID', `${file} holds NUL bytes (the first at byte ${nul}): it is binary, not JSON text (an interrupted download, or a file of another kind?).`);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (err) {
    throw new XlirError('DATASET_INVALID', `${file} is not valid UTF-8 text; dataset files must be UTF-8.`, { cause: err });
  }
  return { text, record: { path: file, sha256: sha256Hex(bytes), bytes: bytes.length } };
}

/** Reads several files at once; a failure is reported for the first failing file in list order, whichever finished first. */
export async function readDataFiles(files: readonly string[], missingHint: string): Promise<DataFile[]> {
  const results = await Promise.allSettled(files.map((file) => readDataFile(file, missingHint)));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => (r as PromiseFulfilledResult<DataFile>).value);
}

/**
 * JSON.parse with an error that names the file and where it broke. A file cut short (an
 * interrupted copy or download) fails at its very end, so that case says "truncated?".
 */
export function parseJsonText(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const endOfInput = /end of JSON input/i.test(message);
    const at = /at position (\d+)/.exec(message);
    const truncated = endOfInput || (at !== null && /Unterminated|Expected/.test(message) && Number(at[1]) >= text.trimEnd().length - 1);
    const located = endOfInput && !at ? `${message} at position ${text.length}` : message;
    throw new XlirError('DATASET_INVALID', `${where} is not valid JSON${truncated ? ' (truncated?)' : ''}: ${located}`, { cause: err });
  }
}

/** `['data', 3, 'paragraphs']` → `$.data[3].paragraphs`: the path a user can follow in the file. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return '$' + path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

/** The first few zod issues as `  $.path: message` lines (a broken file can have thousands). */
export function describeIssues(error: z.ZodError, limit = 5): string {
  const lines = error.issues.slice(0, limit).map((issue) => `  ${jsonPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > limit) lines.push(`  … and ${error.issues.length - limit} more`);
  return lines.join('\n');
}
