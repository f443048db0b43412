import { library, type HfTokenizer } from './library.ts';
import { withReferenceNormalizers } from './reference-normalizers.ts';
import { withReferencePreTokenizers } from './reference-pre-tokenizers.ts';

export type { HfTokenizer } from './library.ts';

/**
 * A tokenizer.json read by @huggingface/tokenizers, with the normalisers and pre-tokenizers whose
 * JavaScript stand-ins give other text replaced by ones that do what the Hugging Face reference
 * (the Rust `tokenizers` core) does; the models (WordPiece, BPE, Unigram) are the library's.
 * test/models/tokenizer-parity.test.ts checks the ids over every XQuAD-R text.
 * Added tokens marked `normalized` were already indexed by the library through its own
 * normalisers; the special tokens of real tokenizers are ASCII, which both normalise alike.
 */
export function createHfTokenizer(tokenizerJson: object, tokenizerConfig: object): HfTokenizer {
  const tokenizer = new library.Tokenizer(tokenizerJson, tokenizerConfig);
  tokenizer.normalizer = withReferenceNormalizers(tokenizer.normalizer);
  tokenizer.pre_tokenizer = withReferencePreTokenizers(tokenizer.pre_tokenizer);
  return tokenizer;
}
