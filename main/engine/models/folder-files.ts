import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { issueLines } from '../schema-issues.ts';

/**
 * The configuration files of the Hugging Face ecosystem's model folders, as far as the engine reads
 * them (Optimum and transformers.js exports, sentence-transformers' saved models). Each schema
 * checks only the fields used; the rest of a file is the other tools' business.
 */

/** `config.json` (transformers): architecture facts for the family name, max length and width. */
export const TransformersConfigSchema = z.looseObject({
  model_type: z.string().optional(),
  _name_or_path: z.string().optional(),
  hidden_size: z.number().int().positive().optional(),
  num_hidden_layers: z.number().int().positive().optional(),
  max_position_embeddings: z.number().int().positive().optional(),
  pad_token_id: z.number().int().nullish(),
});

export const TokenizerConfigSchema = z.looseObject({ model_max_length: z.number().optional() });

/** Only what decides max length and lowercasing; the tokenizer module reads the rest. */
export const TokenizerLimitsSchema = z.looseObject({
  truncation: z.looseObject({ max_length: z.number().int().positive() }).nullish(),
  normalizer: z.unknown().optional(),
});

/** `modules.json`: the sentence-transformers pipeline, in order. */
export const ModulesSchema = z.array(z.looseObject({ path: z.string(), type: z.string() }));

/** `1_Pooling/config.json`. */
export const PoolingConfigSchema = z.looseObject({
  word_embedding_dimension: z.number().int().positive().optional(),
  pooling_mode: z.string().optional(),
  pooling_mode_cls_token: z.boolean().optional(),
  pooling_mode_mean_tokens: z.boolean().optional(),
  pooling_mode_max_tokens: z.boolean().optional(),
  pooling_mode_mean_sqrt_len_tokens: z.boolean().optional(),
  pooling_mode_weightedmean_tokens: z.boolean().optional(),
  pooling_mode_lasttoken: z.boolean().optional(),
  include_prompt: z.boolean().optional(),
});

/** `2_Dense/config.json`. */
export const DenseConfigSchema = z.looseObject({
  in_features: z.number().int().positive(),
  out_features: z.number().int().positive(),
  bias: z.boolean().default(true),
  activation_function: z.string().default('torch.nn.modules.activation.Tanh'),
});

/** `config_sentence_transformers.json`: prompts and the similarity the model was trained for. */
export const SentenceTransformersConfigSchema = z.looseObject({
  prompts: z.record(z.string(), z.string()).optional(),
  default_prompt_name: z.string().nullish(),
  similarity_fn_name: z.string().nullish(),
});

/** `sentence_bert_config.json`. */
export const SentenceBertConfigSchema = z.looseObject({
  max_seq_length: z.number().int().positive().optional(),
  do_lower_case: z.boolean().optional(),
});

/**
 * Reads and checks one JSON file of a model folder: undefined when it does not exist; an error
 * naming the file and every field at fault when it is not what the schema says.
 */
export async function readFolderJson<T>(file: string, schema: z.ZodType<T>, code = 'MODEL_CONFIG_INVALID'): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new XlirError(code, `${file} could not be read: ${(err as Error).message}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new XlirError(code, `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new XlirError(code, `${file} is not what this tool expects:\n${issueLines(parsed.error, '(top level)').map((line) => `  ${line}`).join('\n')}`);
  }
  return parsed.data;
}
