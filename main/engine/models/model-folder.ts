import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { XlirError } from '../errors.ts';
import {
  DenseConfigSchema,
  ModulesSchema,
  PoolingConfigSchema,
  readFolderJson,
  SentenceBertConfigSchema,
  SentenceTransformersConfigSchema,
  TokenizerConfigSchema,
  TokenizerLimitsSchema,
  TransformersConfigSchema,
} from './folder-files.ts';
import { ManifestFileSchema, type DenseLayer, type ManifestFile, type ModelManifest } from './manifest.ts';

/**
 * A model is a folder in its ecosystem's own layout. This module finds what such a folder holds
 * and what a manifest would say about it, field by field, with where each value came from:
 *
 * - Optimum export: `model.onnx`, `config.json`, `tokenizer.json` side by side;
 * - transformers.js: `onnx/model.onnx` (+ `model_quantized.onnx`, `model_fp16.onnx` …), the
 *   tokenizer and config at the top;
 * - sentence-transformers (ONNX backend or Optimum export of one): `modules.json`, `1_Pooling/`,
 *   `2_Dense/`, `Normalize`, `config_sentence_transformers.json` (prompts),
 *   `sentence_bert_config.json` (max length);
 * - XLIR Bench's own folders: `model.onnx`, `tokenizer.json`, `manifest.json`.
 *
 * `manifest.json`, when present, overrides any inferred field and may say only what cannot be
 * inferred. What depends on the graph itself (inputs, output, pooling of a sentence-vector output,
 * width) is settled by `completeManifest` once the graph is open.
 */

/** The files of a model folder the loader reads at fixed places. */
export const MODEL_FOLDER_FILES = {
  manifest: 'manifest.json',
  model: 'model.onnx',
  tokenizer: 'tokenizer.json',
  tokenizerConfig: 'tokenizer_config.json',
} as const;

/**
 * A graph over protobuf's 2 GiB limit keeps its weights in an external-data file beside it,
 * `model.onnx_data` for `model.onnx` (the name Hugging Face Optimum and the replica generator use).
 * It is part of the model: hashed and counted with the graph.
 */
export function externalDataFile(modelFile: string): string {
  return `${modelFile}_data`;
}

/** Bytes of an ONNX file and its external data, if any. */
export async function modelFileBytes(modelFile: string): Promise<number> {
  const sizes = await Promise.all([modelFile, externalDataFile(modelFile)].map((f) => stat(f).then((s) => s.size, () => 0)));
  return sizes[0] + sizes[1];
}

export type FolderLayout = 'xlir' | 'optimum' | 'transformers.js' | 'sentence-transformers';

/** A value and where it came from: a file (`1_Pooling/config.json`), or `assumed: why`. */
export interface Sourced<T> {
  value: T;
  from: string;
}

export interface FolderProblem {
  /** A stable XlirError code. */
  code: string;
  problem: string;
  fix: string;
}

/** Pooling and the layers after it, as `modules.json` lists them. */
export interface SentenceModules {
  pooling?: Sourced<'mean' | 'cls' | 'max'>;
  dense: DenseLayer[];
  normalize: boolean;
  /** Modules the engine cannot reproduce (fine only when the graph already contains them). */
  unsupported: string[];
  /** Width the pooling module was configured for. */
  poolingWidth?: number;
}

type Known = { [K in keyof ModelManifest]?: Sourced<ModelManifest[K]> };

export interface ModelFolder {
  dir: string;
  layout: FolderLayout;
  /** Absolute path of the graph (model.onnx or onnx/model.onnx, or the manifest's `graph`). */
  graphFile: string;
  /** What manifest.json says, or null without one. */
  manifestFile: ManifestFile | null;
  modules: SentenceModules | null;
  /** Fields settled before the graph is opened. */
  known: Known;
  /** Width of the transformer's token states by config.json (`hidden_size`). */
  configHiddenSize?: number;
  /** Assumptions a user should know about (each also shows as the `from` of a field). */
  notes: string[];
}

export interface FolderExamination {
  dir: string;
  /** Files and folders at the top level (and in onnx/), relative: what `xlir inspect` lists as found. */
  found: string[];
  folder: ModelFolder | null;
  problems: FolderProblem[];
}

const MODEL_FILE_PATTERN = /^model[._](.+)\.onnx$/;
const CHECKPOINT_WORD = /(^|[-_. ])(baseline|hybrid)(?=$|[-_. ])/i;
/** tokenizer_config.json's "no limit" sentinel (int(1e30)) and the like are not a length. */
const PLAUSIBLE_MAX_LENGTH = 1_000_000;
const MAX_LENGTH_LIMIT = 8192;

const problem = (code: string, text: string, fix: string): FolderProblem => ({ code, problem: text, fix });

/** Whether a folder holds anything of a model (and so is listed, working or not, rather than skipped). */
export function looksLikeModelFolder(dir: string): boolean {
  return ['manifest.json', 'model.onnx', path.join('onnx', 'model.onnx'), 'config.json', 'modules.json', 'tokenizer.json'].some((f) => existsSync(path.join(dir, f)));
}

function listFound(dir: string): string[] {
  const entries = (sub: string) => {
    try {
      return readdirSync(path.join(dir, sub), { withFileTypes: true }).map((e) => path.join(sub, e.name) + (e.isDirectory() ? '/' : ''));
    } catch {
      return [];
    }
  };
  return [...entries(''), ...entries('onnx')].sort();
}

/** Precision variants beside the graph: transformers.js' `model_quantized.onnx`, `model_fp16.onnx` …, or `model.int8.onnx`. */
function variantFiles(dir: string, graphFile: string): Record<string, string> {
  const graphDir = path.dirname(graphFile);
  const variants: Record<string, string> = {};
  let names: string[] = [];
  try {
    names = readdirSync(graphDir).sort();
  } catch {
    return variants;
  }
  for (const name of names) {
    const match = MODEL_FILE_PATTERN.exec(name);
    if (match && path.join(graphDir, name) !== graphFile) variants[match[1]] = path.relative(dir, path.join(graphDir, name));
  }
  return variants;
}

/** A manifest-safe name from a folder name. */
function nameFromFolder(dir: string): string {
  const base = path.basename(path.resolve(dir)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return (base || 'model').slice(0, 120);
}

async function readmeLicence(dir: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, 'README.md'), 'utf8');
  } catch {
    return undefined;
  }
  const front = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text)?.[1];
  return front ? /^license:\s*["']?([^"'\r\n]+)["']?\s*$/m.exec(front)?.[1]?.trim() : undefined;
}

const lastSegment = (type: string) => type.split('.').at(-1) ?? type;

async function readModules(dir: string, problems: FolderProblem[]): Promise<SentenceModules | null> {
  const modules = await readFolderJson(path.join(dir, 'modules.json'), ModulesSchema);
  if (!modules) return null;
  const found: SentenceModules = { dense: [], normalize: false, unsupported: [] };
  /** A module's config.json; a missing one is a problem, reported with what to copy. */
  const moduleConfig = async <T>(module: { path: string }, kind: string, schema: z.ZodType<T>, holds: string): Promise<{ config: T; from: string } | undefined> => {
    const file = path.join(dir, module.path, 'config.json');
    const config = await readFolderJson(file, schema);
    if (!config) problems.push(problem('MODEL_FILE_MISSING', `${file} not found, though modules.json lists a ${kind} module at "${module.path}".`, `Copy the model's ${kind} folder (${holds}) into the folder.`));
    return config && { config, from: path.relative(dir, file) };
  };
  for (const module of modules) {
    const kind = lastSegment(module.type);
    if (kind === 'Transformer') continue;
    if (kind === 'Normalize') {
      found.normalize = true;
    } else if (kind === 'Pooling') {
      const read = await moduleConfig(module, kind, PoolingConfigSchema, 'its config.json');
      if (!read) continue;
      const { config, from } = read;
      const modes = poolingModes(config);
      if (modes.length === 1 && (modes[0] === 'mean' || modes[0] === 'cls' || modes[0] === 'max')) found.pooling = { value: modes[0], from };
      else found.unsupported.push(`${from}: pooling ${modes.join(' + ') || '(no mode set)'} (the engine pools by mean, cls or max, one at a time)`);
      if (config.include_prompt === false) found.unsupported.push(`${from}: include_prompt false (the engine pools over the prompt tokens too)`);
      found.poolingWidth = config.word_embedding_dimension;
    } else if (kind === 'Dense') {
      const read = await moduleConfig(module, kind, DenseConfigSchema, 'config.json and model.safetensors');
      if (!read) continue;
      const { config, from } = read;
      const activation = lastSegment(config.activation_function);
      if (activation !== 'Tanh' && activation !== 'Identity') {
        found.unsupported.push(`${from}: activation ${config.activation_function} (the engine applies Tanh or Identity)`);
        continue;
      }
      found.dense.push({ path: module.path, inFeatures: config.in_features, outFeatures: config.out_features, bias: config.bias, activation: activation === 'Tanh' ? 'tanh' : 'identity' });
    } else {
      found.unsupported.push(`modules.json: ${module.type} at "${module.path}"`);
    }
  }
  return found;
}

function poolingModes(config: z.infer<typeof PoolingConfigSchema>): string[] {
  if (config.pooling_mode) return [config.pooling_mode === 'mean_tokens' ? 'mean' : config.pooling_mode];
  const flags: [boolean | undefined, string][] = [
    [config.pooling_mode_cls_token, 'cls'],
    [config.pooling_mode_mean_tokens, 'mean'],
    [config.pooling_mode_max_tokens, 'max'],
    [config.pooling_mode_mean_sqrt_len_tokens, 'mean_sqrt_len'],
    [config.pooling_mode_weightedmean_tokens, 'weightedmean'],
    [config.pooling_mode_lasttoken, 'lasttoken'],
  ];
  return flags.filter(([on]) => on).map(([, mode]) => mode);
}

/** The prompt sentence-transformers' `encode_document` would use: passage, else document, else corpus. */
function passagePrompt(prompts: Record<string, string>): [string, string] | undefined {
  for (const key of ['passage', 'document', 'corpus', 'doc']) if (prompts[key] !== undefined) return [key, prompts[key]];
  return undefined;
}

function lowercases(normalizer: unknown): boolean {
  return /"lowercase":\s*true|"type":\s*"Lowercase"/.test(JSON.stringify(normalizer ?? null));
}

/**
 * Looks at a folder and infers what it can without opening the graph. Problems (a folder that is not
 * a model, a file it cannot use) are collected, not thrown, so `xlir inspect` can list them all.
 */
export async function examineModelFolder(dir: string): Promise<FolderExamination> {
  const problems: FolderProblem[] = [];
  const found = listFound(dir);
  const examination = (folder: ModelFolder | null): FolderExamination => ({ dir, found, folder: problems.length > 0 ? null : folder, problems });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    problems.push(problem('MODEL_NOT_FOUND', `${dir} is not a folder.`, 'Pass the folder that holds the model (model.onnx or onnx/model.onnx with tokenizer.json).'));
    return examination(null);
  }

  const collect = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      if (!(err instanceof XlirError)) throw err;
      // The message names the file and every field at fault: that is the fix.
      problems.push(problem(err.code, err.message, ''));
      return undefined;
    }
  };
  const manifestPath = path.join(dir, MODEL_FOLDER_FILES.manifest);
  const manifestFile = (await collect(() => readFolderJson(manifestPath, ManifestFileSchema, 'MANIFEST_INVALID'))) ?? null;
  const config = await collect(() => readFolderJson(path.join(dir, 'config.json'), TransformersConfigSchema));
  const tokenizerConfig = await collect(() => readFolderJson(path.join(dir, MODEL_FOLDER_FILES.tokenizerConfig), TokenizerConfigSchema, 'TOKENIZER_INVALID'));
  const tokenizerLimits = await collect(() => readFolderJson(path.join(dir, MODEL_FOLDER_FILES.tokenizer), TokenizerLimitsSchema, 'TOKENIZER_INVALID'));
  const stConfig = await collect(() => readFolderJson(path.join(dir, 'config_sentence_transformers.json'), SentenceTransformersConfigSchema));
  const sbertConfig = await collect(() => readFolderJson(path.join(dir, 'sentence_bert_config.json'), SentenceBertConfigSchema));
  const modules = (await collect(() => readModules(dir, problems))) ?? null;

  // The graph: the manifest's, else model.onnx, else onnx/model.onnx.
  const candidates = manifestFile?.graph !== undefined ? [manifestFile.graph] : [MODEL_FOLDER_FILES.model, path.join('onnx', 'model.onnx')];
  const root = path.resolve(dir);
  const graphRelative = candidates.find((file) => existsSync(path.join(dir, file)));
  if (manifestFile?.graph !== undefined && !path.resolve(root, manifestFile.graph).startsWith(root + path.sep)) {
    problems.push(problem('MANIFEST_INVALID', `${manifestPath}: graph ("${manifestFile.graph}") points outside the model folder.`, 'Name a file inside the folder.'));
  } else if (graphRelative === undefined) {
    const checkpoint = ['model.safetensors', 'pytorch_model.bin', 'model.safetensors.index.json'].find((f) => existsSync(path.join(dir, f)));
    problems.push(
      problem(
        'MODEL_FILE_MISSING',
        `${dir} holds no ONNX graph (looked for ${candidates.join(', ')})${checkpoint ? `; it holds a PyTorch checkpoint (${checkpoint})` : ''}.`,
        checkpoint
          ? `Export it to ONNX: bash native-models/python.sh export.export_hf --model ${dir} --out OUT (or optimum-cli export onnx --model ${dir} OUT), then pass OUT.`
          : 'Pass a folder with model.onnx (Optimum), onnx/model.onnx (transformers.js, sentence-transformers) or a manifest.json whose "graph" names the file.',
      ),
    );
  }
  if (!existsSync(path.join(dir, MODEL_FOLDER_FILES.tokenizer))) {
    const other = ['sentencepiece.bpe.model', 'vocab.txt', 'spiece.model'].find((f) => existsSync(path.join(dir, f)));
    problems.push(
      problem(
        'MODEL_FILE_MISSING',
        `${path.join(dir, MODEL_FOLDER_FILES.tokenizer)} not found${other ? ` (${other} is there, but only the fast tokenizer's tokenizer.json is read)` : ''}: the model folder needs its tokenizer.`,
        'Save the fast tokenizer into the folder: AutoTokenizer.from_pretrained(ID).save_pretrained(DIR) writes tokenizer.json.',
      ),
    );
  }
  if (sbertConfig?.do_lower_case && !lowercases(tokenizerLimits?.normalizer)) {
    problems.push(problem('MODULE_UNSUPPORTED', 'sentence_bert_config.json sets do_lower_case, and the tokenizer does not lowercase by itself; the engine would feed the text as written.', 'Add a Lowercase normalizer to tokenizer.json: the engine tokenizes with tokenizer.json alone.'));
  }
  if (graphRelative === undefined || problems.length > 0) return examination(null);

  const graphFile = path.join(dir, graphRelative);
  const notes: string[] = [];
  const known: Known = {};
  const fromManifest = <K extends keyof ModelManifest>(key: K): boolean => {
    const value = manifestFile?.[key as keyof ManifestFile];
    if (value === undefined) return false;
    (known as Record<string, Sourced<unknown>>)[key] = { value, from: 'manifest.json' };
    return true;
  };
  const set = <K extends keyof ModelManifest>(key: K, value: ModelManifest[K], from: string) => {
    (known as Record<string, Sourced<unknown>>)[key] = { value, from };
    if (from.startsWith('assumed')) notes.push(`${key}: ${JSON.stringify(value)} (${from})`);
  };

  // Name, family, checkpoint: a baseline/hybrid pair is usually two folders named alike.
  const name = nameFromFolder(dir);
  if (!fromManifest('name')) set('name', name, 'the folder name');
  const word = CHECKPOINT_WORD.exec(name);
  const rest = word ? (name.slice(0, word.index) + name.slice(word.index + word[0].length)).replace(/^[-_. ]+|[-_. ]+$/g, '').replace(/[-_. ]{2,}/g, '-') : '';
  const configFamily = config?.model_type && config.num_hidden_layers && config.hidden_size ? `${config.model_type}-${config.num_hidden_layers}x${config.hidden_size}` : undefined;
  if (!fromManifest('checkpoint')) {
    if (word) set('checkpoint', word[2].toLowerCase() as 'baseline' | 'hybrid', `the folder name ("${word[2]}")`);
    else set('checkpoint', 'other', 'assumed: the folder name says neither baseline nor hybrid');
  }
  if (!fromManifest('family')) {
    if (word && rest) set('family', rest, 'the folder name without its checkpoint word');
    else if (configFamily) set('family', configFamily, 'config.json (model_type, layers x width)');
    else set('family', name, 'assumed: the folder name (no config.json)');
  }

  // Text handling: prompts, max length.
  const prompts = stConfig?.prompts ?? {};
  const defaultPrompt = stConfig?.default_prompt_name ? prompts[stConfig.default_prompt_name] : undefined;
  const passage = passagePrompt(prompts);
  const inferredPrefixes = {
    query: prompts.query !== undefined ? { value: prompts.query, from: 'config_sentence_transformers.json prompts.query' } : defaultPrompt !== undefined ? { value: defaultPrompt, from: 'config_sentence_transformers.json default_prompt_name' } : undefined,
    passage: passage ? { value: passage[1], from: `config_sentence_transformers.json prompts.${passage[0]}` } : defaultPrompt !== undefined ? { value: defaultPrompt, from: 'config_sentence_transformers.json default_prompt_name' } : undefined,
  };
  const prefixes = {
    query: manifestFile?.prefixes?.query ?? inferredPrefixes.query?.value ?? '',
    passage: manifestFile?.prefixes?.passage ?? inferredPrefixes.passage?.value ?? '',
  };
  const prefixSource = (kind: 'query' | 'passage') => (manifestFile?.prefixes?.[kind] !== undefined ? 'manifest.json' : (inferredPrefixes[kind]?.from ?? 'none found'));
  known.prefixes = { value: prefixes, from: prefixSource('query') === prefixSource('passage') ? prefixSource('query') : `query: ${prefixSource('query')}; passage: ${prefixSource('passage')}` };
  if (!inferredPrefixes.query && !inferredPrefixes.passage && !manifestFile?.prefixes) {
    notes.push('prefixes: none (no prompts in config_sentence_transformers.json): a model trained with prefixes such as "query: " needs them in manifest.json "prefixes"');
  }

  if (!fromManifest('maxLength')) {
    const positions = config?.max_position_embeddings;
    // RoBERTa-style position ids start after the padding id: 514 positions hold 512 tokens.
    const usablePositions = positions !== undefined && /roberta|camembert/.test(config?.model_type ?? '') ? positions - ((config?.pad_token_id ?? 1) + 1) : positions;
    const fromTokenizer = tokenizerConfig?.model_max_length !== undefined && tokenizerConfig.model_max_length < PLAUSIBLE_MAX_LENGTH ? tokenizerConfig.model_max_length : undefined;
    const choice: [number | undefined, string][] = [
      [sbertConfig?.max_seq_length, 'sentence_bert_config.json max_seq_length'],
      [fromTokenizer, 'tokenizer_config.json model_max_length'],
      [tokenizerLimits?.truncation?.max_length, 'tokenizer.json truncation.max_length'],
      [usablePositions, 'config.json max_position_embeddings'],
    ];
    const [length, from] = choice.find(([value]) => value !== undefined) ?? [undefined, ''];
    if (length === undefined) {
      problems.push(problem('MODEL_CONFIG_MISSING', 'The longest input is stated nowhere (no sentence_bert_config.json, tokenizer_config.json model_max_length or config.json).', 'Add "maxLength": N to manifest.json (the model\'s maximum sequence length in tokens).'));
    } else if (length > MAX_LENGTH_LIMIT) {
      set('maxLength', MAX_LENGTH_LIMIT, `assumed: ${from} says ${length}, more than the ${MAX_LENGTH_LIMIT} tokens the engine feeds`);
    } else {
      set('maxLength', Math.max(2, Math.trunc(length)), from);
    }
  }

  // The vector: normalisation follows the Normalize module, else the similarity the model was trained with.
  if (!fromManifest('normalize')) {
    const similarity = stConfig?.similarity_fn_name ?? undefined;
    if (modules?.normalize) set('normalize', true, 'modules.json (Normalize)');
    else if (similarity === 'dot') set('normalize', false, 'config_sentence_transformers.json similarity_fn_name "dot"');
    else if (similarity === undefined || similarity === 'cosine') set('normalize', true, similarity ? 'config_sentence_transformers.json similarity_fn_name "cosine"' : 'assumed: cosine similarity (sentence-transformers\' default)');
    else problems.push(problem('MODULE_UNSUPPORTED', `config_sentence_transformers.json: similarity_fn_name "${similarity}"; the engine ranks by inner product (cosine when normalised).`, 'Set "normalize" in manifest.json if ranking by cosine or dot product is acceptable for this model.'));
  }
  if (!fromManifest('licence')) {
    const licence = await readmeLicence(dir);
    set('licence', licence ?? 'not stated in the folder', licence ? 'README.md (license)' : 'assumed: no manifest.json licence and no license in README.md');
  }
  if (!fromManifest('provenance')) {
    set('provenance', `${config?._name_or_path ? `${config._name_or_path}, ` : ''}read from the folder's own files (no manifest.json provenance)`, config?._name_or_path ? 'config.json _name_or_path' : 'the folder');
  }
  fromManifest('candidateContext');
  fromManifest('output');
  fromManifest('dimension');
  fromManifest('pooling');
  fromManifest('dense');
  if (graphRelative !== MODEL_FOLDER_FILES.model) set('graph', graphRelative, manifestFile?.graph !== undefined ? 'manifest.json' : 'the folder (onnx/)');
  const variants = { ...variantFiles(dir, graphFile), ...(manifestFile?.variants ?? {}) };
  if (Object.keys(variants).length > 0) set('variants', variants, manifestFile?.variants ? 'manifest.json and the files beside the graph' : 'the files beside the graph');

  const layout: FolderLayout = modules ? 'sentence-transformers' : graphRelative !== MODEL_FOLDER_FILES.model ? 'transformers.js' : config ? 'optimum' : 'xlir';
  if (problems.length > 0) return examination(null);
  return examination({ dir, layout, graphFile, manifestFile, modules, known, ...(config?.hidden_size !== undefined && { configHiddenSize: config.hidden_size }), notes });
}

/** The folder, or an error listing everything that keeps it from being a model (code of the first problem). */
export async function openModelFolder(dir: string): Promise<ModelFolder> {
  const { folder, problems } = await examineModelFolder(dir);
  if (folder) return folder;
  const [first] = problems;
  const line = (p: FolderProblem) => (p.fix ? `${p.problem} Fix: ${p.fix}` : p.problem);
  if (problems.length === 1) throw new XlirError(first.code, line(first));
  throw new XlirError(first.code, `${dir} is not a usable model folder:\n${problems.map((p) => `  - ${line(p)}`).join('\n')}`);
}
