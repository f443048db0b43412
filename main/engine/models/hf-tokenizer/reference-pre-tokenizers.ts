import { library, type LibraryPreTokenizer } from './library.ts';

// Pre-tokenizers that split on whitespace as the Rust `tokenizers` core does: Unicode White_Space
// (`char::is_whitespace`: U+0085 included, U+FEFF not), where @huggingface/tokenizers uses
// JavaScript's `\s` (the reverse). They differ only on text that no normaliser has cleaned.

const WHITE_SPACE = '\\p{White_Space}';
// BERT's punctuation: ASCII punctuation and every Unicode P* character (as the library has it).
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';

class PatternPreTokenizer extends library.PreTokenizer {
  readonly #pattern: RegExp;

  constructor(pattern: string) {
    super();
    this.#pattern = new RegExp(pattern, 'gu');
  }

  override pre_tokenize_text(text: string): string[] {
    return text.match(this.#pattern) ?? [];
  }
}

const REFERENCES = new Map<unknown, () => LibraryPreTokenizer>([
  [library.BertPreTokenizer, () => new PatternPreTokenizer(`[^${WHITE_SPACE}${PUNCTUATION}]+|[${PUNCTUATION}]`)],
  [library.WhitespaceSplitPreTokenizer, () => new PatternPreTokenizer(`[^${WHITE_SPACE}]+`)],
]);

export function withReferencePreTokenizers(preTokenizer: LibraryPreTokenizer | null): LibraryPreTokenizer | null {
  if (preTokenizer === null) return null;
  if (preTokenizer instanceof library.SequencePreTokenizer) {
    preTokenizer.tokenizers = preTokenizer.tokenizers.map(withReferencePreTokenizers);
    return preTokenizer;
  }
  return REFERENCES.get(preTokenizer.constructor)?.() ?? preTokenizer;
}
