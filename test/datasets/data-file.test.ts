import { describe, expect, it } from 'vitest';
import { jsonPath, parseJsonText } from '../../main/engine/datasets/data-file.ts';

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
});
