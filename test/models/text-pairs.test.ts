import fs from 'node:fs';
import path from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { findPairTemplate, pairRow } from '../../main/engine/models/text-pairs.ts';
import { TINY_ENCODER } from './tiny-encoder-copy.ts';

const tokenizer = new Tokenizer(JSON.parse(fs.readFileSync(path.join(TINY_ENCODER, 'tokenizer.json'), 'utf8')), {});
const bare = (text: string) => tokenizer.encode(text, { add_special_tokens: false }).ids;

describe('text pairs (a candidate sentence with its paragraph)', () => {
  it('lays a pair out as the tokenizer\'s own pair template does, ids and segment ids', () => {
    const template = findPairTemplate(tokenizer);
    const sentence = 'Paris is the capital of France.';
    const paragraph = 'France is a country. Paris is the capital of France. It is large.';
    const reference = tokenizer.encode(sentence, { text_pair: paragraph, return_token_type_ids: true });
    expect(pairRow(template, bare(sentence), bare(paragraph), 512)).toEqual({ ids: reference.ids, types: reference.token_type_ids });
  });

  it('truncates the longer text first, one token at a time, and keeps every special token', () => {
    const template = findPairTemplate(tokenizer);
    const first = [10, 11, 12];
    const second = [20, 21, 22, 23, 24, 25, 26, 27];
    const { ids, types } = pairRow(template, first, second, 10); // 3 special tokens: 7 left for text
    expect(ids).toEqual([...template.before, 10, 11, 12, ...template.between, 20, 21, 22, 23, ...template.after]);
    expect(ids).toHaveLength(10);
    expect(types).toHaveLength(10);
    // Both longer than half: they shrink alternately from the longer until they fit.
    expect(pairRow(template, [1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12, 13], 9).ids).toEqual([...template.before, 1, 2, 3, ...template.between, 7, 8, 9, ...template.after]);
  });
});
