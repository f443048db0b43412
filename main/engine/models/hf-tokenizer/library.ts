// The parts of @huggingface/tokenizers the engine reaches into, typed by hand: the package's own
// declarations do not resolve under NodeNext (extensionless relative re-exports), so its exports
// arrive untyped.
import * as untyped from '@huggingface/tokenizers';

export type ComponentConfig = Record<string, unknown>;

export interface LibraryNormalizer {
  config: ComponentConfig;
  normalize(text: string): string;
}

export interface LibraryPreTokenizer {
  pre_tokenize_text(text: string, options?: unknown): string[];
}

export interface HfTokenizer {
  normalizer: LibraryNormalizer | null;
  pre_tokenizer: LibraryPreTokenizer | null;
  encode(text: string, options?: { add_special_tokens?: boolean }): { ids: number[]; tokens: string[] };
  token_to_id(token: string): number | undefined;
}

type NormalizerClass = abstract new (config: ComponentConfig) => LibraryNormalizer;
type PreTokenizerClass = abstract new (config?: ComponentConfig) => LibraryPreTokenizer;

export const library = untyped as unknown as {
  Tokenizer: new (tokenizerJson: object, tokenizerConfig: object) => HfTokenizer;
  Normalizer: NormalizerClass;
  SequenceNormalizer: abstract new (config: ComponentConfig) => LibraryNormalizer & { normalizers: (LibraryNormalizer | null)[] };
  PrecompiledNormalizer: NormalizerClass;
  BertNormalizer: NormalizerClass;
  LowercaseNormalizer: NormalizerClass;
  StripNormalizer: NormalizerClass;
  PreTokenizer: PreTokenizerClass;
  SequencePreTokenizer: abstract new (config: ComponentConfig) => LibraryPreTokenizer & { tokenizers: (LibraryPreTokenizer | null)[] };
  BertPreTokenizer: PreTokenizerClass;
  WhitespaceSplitPreTokenizer: PreTokenizerClass;
};
