// Small configurations of the catalogued replicas: the same graph code, sizes a test can run in a second.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findReplica, type EncoderArchitecture, type ReplicaSpec } from '../../main/engine/replicas/replica-catalog.ts';

export function tinyReplica(name: string, overrides: Partial<EncoderArchitecture> = {}): ReplicaSpec {
  const spec = findReplica(name);
  if (!spec) throw new Error(`no replica ${name}`);
  return { ...spec, architecture: { ...spec.architecture, vocabSize: 120, hiddenSize: 16, layers: 2, heads: 2, intermediateSize: 32, ...overrides } };
}

export function tempModelsDir(label: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `xlir-replica-${label}-`));
}

/** A WordPiece tokenizer.json of `words` plus BERT's special tokens at the ids the spec's real tokenizer gives them. */
export function tokenizerFile(spec: ReplicaSpec, words: string[]): string {
  const specials = Object.entries(spec.specialIds).sort((a, b) => a[1] - b[1]);
  const vocab: Record<string, number> = {};
  let next = 0;
  const take = () => {
    while (Object.values(vocab).includes(next)) next++;
    return next;
  };
  for (const [token, id] of specials) vocab[token] = id;
  for (const word of words) vocab[word] = take();
  const file = path.join(tempModelsDir('tokenizer'), 'tokenizer.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: specials.map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }, { SpecialToken: { id: '[SEP]', type_id: 1 } }],
        special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [vocab[t]], tokens: [t] }])),
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    }),
  );
  return file;
}
