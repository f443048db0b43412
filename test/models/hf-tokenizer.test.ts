// The engine's normalisers against the Hugging Face reference (the Rust `tokenizers` core, through
// its Node binding) on the cases where @huggingface/tokenizers' own stand-ins differ.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Tokenizer as LibraryTokenizer } from '@huggingface/tokenizers';
import { precompiled, Tokenizer as RustTokenizer } from 'tokenizers';
import { describe, expect, it } from 'vitest';
import { createHfTokenizer } from '../../main/engine/models/hf-tokenizer/create-hf-tokenizer.ts';
import { PrecompiledCharsmap } from '../../main/engine/models/hf-tokenizer/precompiled-charsmap.ts';
import { PARITY_TOKENIZERS } from './tokenizer-reference.ts';

type Json = Record<string, unknown>;
const readJson = (dir: string): Json => JSON.parse(readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'));
const unigram = readJson(PARITY_TOKENIZERS['xlmr-unigram']);
const wordpiece = readJson(PARITY_TOKENIZERS.wordpiece);
const charsmapBase64 = ((unigram.normalizer as Json).normalizers as Json[])[0].precompiled_charsmap as string;

const SHADDA_FATHA = 'خاص\u0651\u064Eةٌ'; // shadda then fatha: NFKC swaps them, the charsmap does not
const EDGE_CASES = [
  SHADDA_FATHA,
  'مدرّسوها يطابقَ إيٌ مؤلَّفات',
  'ΤΟ ΓΦΣ ΕΙΝΑΙ', // word-final capital sigma: ς from toLowerCase, σ in the reference
  'x𫠟y 𠀀中', // CJK ideographs outside the BMP get spaces around them
  'Ｆｕｌｌｗｉｄｔｈ Ａ\u0301 ﬁ ① ㍻', // compatibility forms, a grapheme whose first character has a rule
  'crlf\r\nnel\u0085 tab\tbom\ufeffend \u3000 ',
  'e\u0301 नमस्ते क्षि ภาษาไทยคำ 한국어 👩‍👩‍👧 🇩🇪',
  'unassigned \u0378 private \u{10fffd} tag \u{e0001}',
  'İstanbul ǅ ß ẞ',
  '  leading and  inner   and trailing  ',
];

/** A copy of a tokenizer.json with another normalizer. */
const withNormalizer = (json: Json, normalizer: Json): Json => ({ ...json, normalizer });

describe('PrecompiledCharsmap', () => {
  const ours = PrecompiledCharsmap.fromBase64(charsmapBase64);
  const reference = precompiled([...Buffer.from(charsmapBase64, 'base64')]);

  it('maps every BMP character, alone, between letters and followed by combining marks, as the Rust core does', () => {
    // Checked 512 characters per call (space-separated), so the sweep takes a second, not a minute.
    const characters = Array.from({ length: 0xffff }, (_, i) => i + 1).filter((cp) => cp < 0xd800 || cp > 0xdfff).map((cp) => String.fromCodePoint(cp));
    const differing: string[] = [];
    for (const context of [(c: string) => c, (c: string) => `a${c}b`, (c: string) => `${c}\u0301`, (c: string) => `${c}\u0651\u064e`]) {
      for (let from = 0; from < characters.length; from += 512) {
        const text = characters.slice(from, from + 512).map(context).join(' ');
        if (ours.normalize(text) !== reference.normalizeString(text)) differing.push(JSON.stringify(context(characters[from])));
      }
    }
    expect(differing).toEqual([]);
  });

  it('keeps shadda before fatha where NFKC reorders them', () => {
    expect(ours.normalize(SHADDA_FATHA)).toBe(SHADDA_FATHA);
    expect(SHADDA_FATHA.normalize('NFKC')).not.toBe(SHADDA_FATHA);
    for (const text of EDGE_CASES) expect(ours.normalize(text), text).toBe(reference.normalizeString(text));
  });

  it('rejects a blob that is not a charsmap, naming what is wrong', () => {
    expect(() => new PrecompiledCharsmap(new Uint8Array(2))).toThrow('shorter than its 4-byte header');
    expect(() => new PrecompiledCharsmap(Uint8Array.of(0xff, 0, 0, 0, 1, 2))).toThrow('declares a trie of 255 bytes in a blob of 6');
  });
});

describe('createHfTokenizer', () => {
  const cases: [string, Json][] = [
    ['XLM-R Unigram (Precompiled, Strip, Replace)', unigram],
    ['BERT WordPiece (NFKC, BertNormalizer lowercase)', wordpiece],
    ['BERT uncased (BertNormalizer, accents stripped with the lowercase)', withNormalizer(wordpiece, { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true })],
    ['NFD, StripAccents, Lowercase, Strip', withNormalizer(wordpiece, { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'Lowercase' }, { type: 'Strip', strip_left: true, strip_right: true }] })],
  ];

  it.each(cases)('%s: gives the Rust core’s ids on the edge cases', async (_, json) => {
    const ours = createHfTokenizer(json, {});
    const reference = RustTokenizer.fromString(JSON.stringify(json));
    for (const text of EDGE_CASES) expect(ours.encode(text).ids, text).toEqual((await reference.encode(text)).getIds());
  });

  it('differs from the library as it stands exactly where its stand-ins do (the reason it exists)', () => {
    const library = (json: Json) => new LibraryTokenizer(json, {});
    expect(library(unigram).encode(SHADDA_FATHA).ids).not.toEqual(createHfTokenizer(unigram, {}).encode(SHADDA_FATHA).ids);
    expect(library(wordpiece).encode('ΓΦΣ').tokens).toContain('##ς');
    expect(createHfTokenizer(wordpiece, {}).encode('ΓΦΣ').tokens).toContain('##σ');
  });

  it('fails on a Precompiled normalizer without its charsmap', () => {
    expect(() => createHfTokenizer(withNormalizer(unigram, { type: 'Precompiled', precompiled_charsmap: null }), {})).toThrow('no precompiled_charsmap');
  });
});
