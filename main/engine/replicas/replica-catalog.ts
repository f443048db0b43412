/**
 * The published configurations of the real encoders that replicas stand in for: each entry is its
 * Hugging Face `config.json` (and, for sentence-transformers models, the pooling and
 * max_seq_length of its modules), as cited in native-models/replicas/configs.py, which the Python
 * generator reads and test/replicas/python-parity.test.ts keeps in step with this list.
 *
 * - xlm-roberta-base / -large: FacebookAI/xlm-roberta-{base,large} config.json (XLMRobertaForMaskedLM;
 *   vocab 250002, 514 positions with XLM-R's padding offset, pad id 1, type_vocab_size 1, eps 1e-5;
 *   base 768 × 12 layers, 12 heads, FFN 3072; large 1024 × 24 layers, 16 heads, FFN 4096 — the large
 *   one from https://huggingface.co/FacebookAI/xlm-roberta-large/blob/main/config.json, not in configs.py).
 * - sentence-transformers/LaBSE: BertModel (vocab 501153, type_vocab_size 2, eps 1e-12), then
 *   1_Pooling (CLS) and 2_Dense (768 → 768, tanh) — the head is part of the graph — then Normalize.
 * - paraphrase-multilingual-MiniLM-L12-v2 and multilingual-e5-small: BERT graphs (vocab 250037,
 *   384 × 12, 12 heads, FFN 1536) fed by the XLM-R sentencepiece tokenizer; mean pooling.
 */

export type PositionStyle = 'absolute' | 'padding-offset';

export interface EncoderArchitecture {
  vocabSize: number;
  hiddenSize: number;
  layers: number;
  heads: number;
  intermediateSize: number;
  maxPositions: number;
  typeVocabSize: number;
  padTokenId: number;
  /**
   * `absolute`: positions 0..seq-1 (BERT). `padding-offset`: positions count the non-pad tokens
   * and start at padTokenId + 1, as XLM-R's create_position_ids_from_input_ids does.
   */
  positions: PositionStyle;
  layerNormEps: number;
  /** LaBSE's sentence-transformers head in the graph: CLS token → Dense → tanh. */
  sentenceHead: 'none' | 'cls-dense-tanh';
}

/** Special-token ids of the real tokenizer, so a stand-in pads and frames inputs like it. */
export type SpecialIds = Readonly<Record<'[CLS]' | '[PAD]' | '[SEP]' | '[UNK]', number>>;

export interface ReplicaSpec {
  /** The model folder and manifest name, e.g. `xlm-roberta-base-replica`. */
  name: string;
  /** The real model on the Hugging Face Hub. */
  hubId: string;
  family: string;
  architecture: EncoderArchitecture;
  pooling: 'mean' | 'none';
  maxLength: number;
  prefixes: { query: string; passage: string };
  licence: string;
  specialIds: SpecialIds;
}

const XLMR_SPECIALS: SpecialIds = { '[CLS]': 0, '[PAD]': 1, '[SEP]': 2, '[UNK]': 3 }; // <s> <pad> </s> <unk>
const BERT_SPECIALS: SpecialIds = { '[PAD]': 0, '[UNK]': 100, '[CLS]': 101, '[SEP]': 102 };

const xlmr = (hiddenSize: number, layers: number, heads: number, intermediateSize: number): EncoderArchitecture => ({
  vocabSize: 250002, hiddenSize, layers, heads, intermediateSize, maxPositions: 514, typeVocabSize: 1, padTokenId: 1,
  positions: 'padding-offset', layerNormEps: 1e-5, sentenceHead: 'none',
}); // prettier-ignore

const bert = (vocabSize: number, hiddenSize: number, intermediateSize: number, sentenceHead: EncoderArchitecture['sentenceHead'] = 'none'): EncoderArchitecture => ({
  vocabSize, hiddenSize, layers: 12, heads: 12, intermediateSize, maxPositions: 512, typeVocabSize: 2, padTokenId: 0,
  positions: 'absolute', layerNormEps: 1e-12, sentenceHead,
}); // prettier-ignore

export const REPLICAS: readonly ReplicaSpec[] = [
  {
    name: 'xlm-roberta-base-replica',
    hubId: 'FacebookAI/xlm-roberta-base',
    family: 'xlm-roberta-base',
    architecture: xlmr(768, 12, 12, 3072),
    pooling: 'mean',
    maxLength: 512,
    prefixes: { query: 'Query: ', passage: 'Passage: ' }, // as the paper fine-tunes it
    licence: 'MIT (xlm-roberta-base); replica weights are random',
    specialIds: XLMR_SPECIALS,
  },
  {
    name: 'xlm-roberta-large-replica',
    hubId: 'FacebookAI/xlm-roberta-large',
    family: 'xlm-roberta-large',
    architecture: xlmr(1024, 24, 16, 4096),
    pooling: 'mean',
    maxLength: 512,
    prefixes: { query: 'Query: ', passage: 'Passage: ' },
    licence: 'MIT (xlm-roberta-large); replica weights are random',
    specialIds: XLMR_SPECIALS,
  },
  {
    name: 'labse-replica',
    hubId: 'sentence-transformers/LaBSE',
    family: 'labse',
    architecture: bert(501153, 768, 3072, 'cls-dense-tanh'),
    pooling: 'none',
    maxLength: 256, // sentence_bert_config.json max_seq_length
    prefixes: { query: 'Query: ', passage: 'Passage: ' },
    licence: 'Apache-2.0 (sentence-transformers/LaBSE); replica weights are random',
    specialIds: BERT_SPECIALS,
  },
  {
    name: 'paraphrase-multilingual-minilm-l12-v2-replica',
    hubId: 'sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2',
    family: 'paraphrase-multilingual-minilm-l12-v2',
    architecture: bert(250037, 384, 1536),
    pooling: 'mean',
    maxLength: 128,
    prefixes: { query: '', passage: '' },
    licence: 'Apache-2.0 (sentence-transformers); replica weights are random',
    specialIds: XLMR_SPECIALS,
  },
  {
    name: 'multilingual-e5-small-replica',
    hubId: 'intfloat/multilingual-e5-small',
    family: 'multilingual-e5-small',
    architecture: bert(250037, 384, 1536),
    pooling: 'mean',
    maxLength: 512,
    prefixes: { query: 'query: ', passage: 'passage: ' },
    licence: 'MIT (intfloat/multilingual-e5-small); replica weights are random',
    specialIds: XLMR_SPECIALS,
  },
];

/**
 * The replica a `--model` value names: its folder name (`xlm-roberta-base-replica`), or the real
 * model's Hub id or last part (`FacebookAI/xlm-roberta-base`, `LaBSE`), case-insensitive.
 */
export function findReplica(value: string): ReplicaSpec | undefined {
  const key = value.toLowerCase();
  return REPLICAS.find((r) => r.name === key || r.hubId.toLowerCase() === key || r.hubId.split('/')[1].toLowerCase() === key);
}

/** Parameters of the graph (weights of every initializer), for sizes and disk-space checks. */
export function parameterCount(a: EncoderArchitecture): number {
  const h = a.hiddenSize;
  const embeddings = (a.vocabSize + a.maxPositions + a.typeVocabSize) * h + 2 * h;
  const layer = 4 * (h * h + h) + 2 * h * a.intermediateSize + a.intermediateSize + h + 4 * h;
  const head = a.sentenceHead === 'cls-dense-tanh' ? h * h + h : 0;
  return embeddings + a.layers * layer + head;
}
