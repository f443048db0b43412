import { XlirError } from '../errors.ts';

/** The slice of a tokenizer this module needs: ids with or without special tokens, for one text or a pair. */
export interface PairCapableTokenizer {
  encode(text: string, options?: { text_pair?: string | null; add_special_tokens?: boolean; return_token_type_ids?: boolean | null }): { ids: number[]; token_type_ids?: number[] };
}

/**
 * Where a tokenizer's post-processor puts special tokens around a text pair (`[CLS] A [SEP] B [SEP]`,
 * `<s> A </s></s> B </s>`), with the segment id of each part, as found by encoding a probe pair.
 */
export interface PairTemplate {
  before: number[];
  between: number[];
  after: number[];
  /** Segment id of every position of a probe pair laid out as `before A between B after`, with one-token A and B. */
  types: { before: number[]; first: number; between: number[]; second: number; after: number[] };
}

function indexOf(haystack: readonly number[], needle: readonly number[], from: number): number {
  for (let start = from; start + needle.length <= haystack.length; start++) if (needle.every((id, i) => haystack[start + i] === id)) return start;
  return -1;
}

/** Finds the pair template by encoding two probe words as a pair and locating each word's bare ids in the result. */
export function findPairTemplate(tokenizer: PairCapableTokenizer): PairTemplate {
  for (const [a, b] of [['hello', 'world'], ['a', 'b'], ['1', '2']]) {
    const bareA = tokenizer.encode(a, { add_special_tokens: false }).ids;
    const bareB = tokenizer.encode(b, { add_special_tokens: false }).ids;
    if (bareA.length === 0 || bareB.length === 0) continue;
    const full = tokenizer.encode(a, { text_pair: b, return_token_type_ids: true });
    const i = indexOf(full.ids, bareA, 0);
    const j = i < 0 ? -1 : indexOf(full.ids, bareB, i + bareA.length);
    if (j < 0) continue;
    const types = full.token_type_ids ?? full.ids.map(() => 0);
    return {
      before: full.ids.slice(0, i),
      between: full.ids.slice(i + bareA.length, j),
      after: full.ids.slice(j + bareB.length),
      types: { before: types.slice(0, i), first: types[i], between: types.slice(i + bareA.length, j), second: types[j], after: types.slice(j + bareB.length) },
    };
  }
  throw new XlirError('TOKENIZER_INVALID', 'The tokenizer does not encode text pairs (its post-processor has no pair template), so candidates cannot be given their paragraph as context.');
}

/**
 * One pair as the tokenizer's post-processor lays it out, truncated to `maxLength` the way Hugging
 * Face's default `longest_first` does: one token at a time from the longer of the two texts (so the
 * paragraph is cut first and the sentence kept whole wherever it fits), special tokens always kept.
 */
export function pairRow(template: PairTemplate, first: number[], second: number[], maxLength: number): { ids: number[]; types: number[] } {
  const specials = template.before.length + template.between.length + template.after.length;
  const budget = Math.max(0, maxLength - specials);
  let a = first.length;
  let b = second.length;
  while (a + b > budget) {
    if (a > b) a--;
    else b--;
  }
  const t = template.types;
  const ids = [...template.before, ...first.slice(0, a), ...template.between, ...second.slice(0, b), ...template.after];
  const types = [...t.before, ...new Array<number>(a).fill(t.first), ...t.between, ...new Array<number>(b).fill(t.second), ...t.after];
  return { ids, types };
}
