// Token ids of the engine's tokenizer against the Hugging Face reference (the Rust `tokenizers`
// core) over every XQuAD-R question and candidate in all 11 languages, for the bundled model's
// WordPiece tokenizer and an XLM-R-style SentencePiece Unigram one (test/fixtures/xlmr-unigram).
// SentencePiece itself is compared in native-models/tests/test_unigram_tokenizer.py.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../main/engine/models/tokenizer.ts';
import { compareWithReference, defaultDataDir, PARITY_MANIFEST, PARITY_TOKENIZERS, xquadRTexts } from './tokenizer-reference.ts';

let texts: Map<string, string[]>;
beforeAll(async () => {
  texts = await xquadRTexts(defaultDataDir());
});

describe.each(Object.entries(PARITY_TOKENIZERS))('the %s tokenizer', (_, dir) => {
  it('gives the Rust core’s ids for every XQuAD-R question and candidate, in each of the 11 languages', async () => {
    const report = await compareWithReference(path.join(dir, 'tokenizer.json'), await loadTokenizer(dir, PARITY_MANIFEST), texts);
    expect([...texts.values()].reduce((n, list) => n + list.length, 0)).toBe(26_104); // 11 × 1,190 questions + 13,014 candidates
    expect(report.examples.join('\n')).toBe('');
    expect(Object.keys(report.mismatches)).toHaveLength(11);
    expect(Object.values(report.mismatches).every((n) => n === 0)).toBe(true);
  });
});
