import { closeSync, ftruncateSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonPath, parseJsonText, readDataFile } from '../../main/engine/datasets/data-file.ts';

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'xlir-data-file-'));

/** A file of `bytes` zero bytes, sparse: it takes no disk. */
function zeros(bytes: number): string {
  const file = path.join(tmp(), 'en.json');
  const fd = openSync(file, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return file;
}

describe('dataset file errors', () => {
  it('calls a file cut off mid-value truncated, with the position', () => {
    expect(() => parseJsonText('{"a": [1, 2', 'f.json')).toThrow(/^f\.json is not valid JSON \(truncated\?\): Expected .* at position 11/);
    expect(() => parseJsonText('{"a": "abc', 'f.json')).toThrow(/^f\.json is not valid JSON \(truncated\?\): Unterminated string in JSON at position 10/);
    expect(() => parseJsonText('{"a": [1,\n', 'f.json')).toThrow(/^f\.json is not valid JSON \(truncated\?\): Unexpected end of JSON input at position 10$/);
  });

  it('does not call other syntax errors truncated', () => {
    expect(() => parseJsonText('{"a":1}}', 'f.json')).toThrow(/^f\.json is not valid JSON: Unexpected non-whitespace character after JSON at position 7/);
  });

  it('writes paths as a reader follows them in the file', () => {
    expect(jsonPath(['data', 3, 'paragraphs', 0, 'sentence_breaks'])).toBe('$.data[3].paragraphs[0].sentence_breaks');
    expect(jsonPath([])).toBe('$');
  });

  it('says a file is too large to be text, before reading it (600 MB of zero bytes)', async () => {
    const file = zeros(600 * 2 ** 20);
    await expect(readDataFile(file, 'get it')).rejects.toThrow(
      expect.objectContaining({ code: 'DATASET_TOO_LARGE', message: `${file} is 600 MiB: more than the 512 MiB of text a dataset file may hold (the longest string JavaScript has); a dataset file is JSON of a few MB. Is it the right file?` }),
    );
  });

  it('says a file of zero bytes is binary, not JSON text, naming where', async () => {
    const file = zeros(1000);
    await expect(readDataFile(file, 'get it')).rejects.toThrow(expect.objectContaining({ code: 'DATASET_INVALID', message: `${file} holds NUL bytes (the first at byte 0): it is binary, not JSON text (an interrupted download, or a file of another kind?).` }));
    const padded = path.join(tmp(), 'de.json');
    writeFileSync(padded, Buffer.concat([Buffer.from('{"version": 1}'), Buffer.alloc(4)]));
    await expect(readDataFile(padded, 'get it')).rejects.toThrow(/holds NUL bytes \(the first at byte 14\)/);
  });
});
