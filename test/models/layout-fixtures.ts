// Model folders in the ecosystem's layouts (Optimum, transformers.js, sentence-transformers), built
// from a model folder of this repository: its graph and tokenizer, with the configuration files
// each exporter writes. What the source's manifest says is put where that layout says it.
import fs from 'node:fs';
import path from 'node:path';

export interface SourceModel {
  dir: string;
  manifest: { maxLength: number; dimension: number; prefixes: { query: string; passage: string }; pooling: 'mean' | 'cls' | 'max' };
}

export function readSourceModel(dir: string): SourceModel {
  return { dir, manifest: JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) };
}

const writeJson = (file: string, value: unknown) => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
};

/** What transformers' save_pretrained writes for a small BERT: enough for family, width and max length. */
function writeTransformersFiles(source: SourceModel, dir: string): void {
  const { maxLength, dimension } = source.manifest;
  writeJson(path.join(dir, 'config.json'), { architectures: ['BertModel'], model_type: 'bert', hidden_size: dimension, num_hidden_layers: 3, num_attention_heads: 8, max_position_embeddings: maxLength, vocab_size: 8000, type_vocab_size: 1, pad_token_id: 0 });
  writeJson(path.join(dir, 'tokenizer_config.json'), { model_max_length: maxLength, tokenizer_class: 'BertTokenizer', pad_token: '[PAD]' });
  fs.copyFileSync(path.join(source.dir, 'tokenizer.json'), path.join(dir, 'tokenizer.json'));
}

/** sentence-transformers' prompts file: the prefixes the model was trained with. */
function writePrompts(source: SourceModel, dir: string): void {
  writeJson(path.join(dir, 'config_sentence_transformers.json'), { prompts: source.manifest.prefixes, default_prompt_name: null, similarity_fn_name: 'cosine' });
}

/** Optimum's `optimum-cli export onnx` of a sentence-transformers model: model.onnx, config and tokenizer side by side, the prompts file kept. */
export function buildOptimumFolder(source: SourceModel, dir: string): string {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(path.join(source.dir, 'model.onnx'), path.join(dir, 'model.onnx'));
  writeTransformersFiles(source, dir);
  writePrompts(source, dir);
  return dir;
}

/**
 * transformers.js' layout: onnx/model.onnx (+ variants beside it), config and tokenizer at the top.
 * Such repositories carry no prompts, so the prefixes go in a manifest.json that says only them.
 */
export function buildTransformersJsFolder(source: SourceModel, dir: string, variants: Record<string, string> = {}): string {
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.copyFileSync(path.join(source.dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx'));
  for (const [name, file] of Object.entries(variants)) fs.copyFileSync(file, path.join(dir, 'onnx', `model_${name}.onnx`));
  writeTransformersFiles(source, dir);
  writeJson(path.join(dir, 'manifest.json'), { prefixes: source.manifest.prefixes });
  return dir;
}

/** A sentence-transformers model saved with its ONNX backend: onnx/model.onnx, modules.json, 1_Pooling, Normalize, prompts, max length. */
export function buildSentenceTransformersFolder(source: SourceModel, dir: string): string {
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  fs.copyFileSync(path.join(source.dir, 'model.onnx'), path.join(dir, 'onnx', 'model.onnx'));
  writeTransformersFiles(source, dir);
  writePrompts(source, dir);
  const { pooling, dimension, maxLength } = source.manifest;
  writeJson(path.join(dir, 'modules.json'), [
    { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
    { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
    { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
  ]);
  writeJson(path.join(dir, '1_Pooling', 'config.json'), {
    word_embedding_dimension: dimension,
    pooling_mode_cls_token: pooling === 'cls',
    pooling_mode_mean_tokens: pooling === 'mean',
    pooling_mode_max_tokens: pooling === 'max',
    pooling_mode_mean_sqrt_len_tokens: false,
    pooling_mode_weightedmean_tokens: false,
    pooling_mode_lasttoken: false,
    include_prompt: true,
  });
  fs.mkdirSync(path.join(dir, '2_Normalize'), { recursive: true });
  writeJson(path.join(dir, 'sentence_bert_config.json'), { max_seq_length: maxLength, do_lower_case: false });
  return dir;
}
