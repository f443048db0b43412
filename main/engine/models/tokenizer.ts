import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import type { EncoderText, TextKind, TokenizedBatch } from './encoder.ts';
import { createHfTokenizer, type HfTokenizer } from './hf-tokenizer/create-hf-tokenizer.ts';
import type { ModelManifest } from './manifest.ts';
import { MODEL_FOLDER_FILES } from './model-folder.ts';
import { findPairTemplate, pairRow, type PairTemplate } from './text-pairs.ts';
import { issueLines } from '../schema-issues.ts';

// Only what this module reads is checked; the tokenizer library interprets the rest.
const TokenizerJsonSchema = z.looseObject({
  model: z.looseObject({ type: z.string().optional() }),
  added_tokens: z.array(z.looseObject({ id: z.number().int(), content: z.string() })),
  padding: z.looseObject({ pad_id: z.number().int().optional() }).nullish(),
});
const TokenizerConfigSchema = z.looseObject({
  pad_token: z.union([z.string(), z.looseObject({ content: z.string() }), z.null()]).optional(),
});

/** Tokenizes as the manifest says: prefix, special tokens, truncation, right padding. */
export interface TextTokenizer {
  readonly padId: number;
  /** Special tokens the post-processor appends after the text (kept when truncating). */
  readonly trailingSpecialTokens: number;
  /** A text with context is encoded as a pair (the prefix goes before the text). */
  tokenize(texts: readonly EncoderText[], kind: TextKind): TokenizedBatch;
}

async function readJson(file: string, required: boolean): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (!required && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new XlirError(missing ? 'MODEL_FILE_MISSING' : 'TOKENIZER_INVALID', missing ? `${file} not found: the model folder needs its tokenizer.` : `${file} could not be read: ${(err as Error).message}`, { cause: err });
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new XlirError('TOKENIZER_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = issueLines(parsed.error, '(top level)').map((line) => `  ${line}`);
  throw new XlirError('TOKENIZER_INVALID', `${file} is not a tokenizer file this tool reads:\n${fields.join('\n')}`);
}

/**
 * How many special tokens the post-processor puts after a single text (`[SEP]`, `</s>`: usually 1),
 * found by encoding a probe with and without special tokens and locating the bare ids inside.
 */
function countTrailingSpecials(tokenizer: HfTokenizer): number {
  for (const probe of ['a', 'hello', '1', 'x']) {
    const bare: number[] = tokenizer.encode(probe, { add_special_tokens: false }).ids;
    if (bare.length === 0) continue;
    const full = tokenizer.encode(probe).ids;
    for (let start = 0; start + bare.length <= full.length; start++) {
      if (bare.every((id, i) => full[start + i] === id)) return full.length - start - bare.length;
    }
  }
  return 0;
}

/**
 * Loads `tokenizer.json` (and `tokenizer_config.json` when present) of a model folder.
 * The pad id comes from tokenizer.json's padding, else the config's `pad_token`, else a `[PAD]`
 * or `<pad>` token; a tokenizer with none of them cannot batch and is rejected.
 */
export async function loadTokenizer(dir: string, manifest: ModelManifest): Promise<TextTokenizer> {
  const file = path.join(dir, MODEL_FOLDER_FILES.tokenizer);
  const configFile = path.join(dir, MODEL_FOLDER_FILES.tokenizerConfig);
  const json = parseOrThrow(TokenizerJsonSchema, await readJson(file, true), file);
  const rawConfig = await readJson(configFile, false);
  const config = rawConfig === undefined ? {} : parseOrThrow(TokenizerConfigSchema, rawConfig, configFile);

  let tokenizer: HfTokenizer;
  try {
    tokenizer = createHfTokenizer(json, config);
  } catch (err) {
    throw new XlirError('TOKENIZER_INVALID', `${file} could not be loaded: ${(err as Error).message}`, { cause: err });
  }

  const configured = typeof config.pad_token === 'string' ? config.pad_token : config.pad_token?.content;
  const padId =
    json.padding?.pad_id ??
    [configured, '[PAD]', '<pad>'].map((token) => (token ? tokenizer.token_to_id(token) : undefined)).find((id) => id !== undefined);
  if (padId === undefined) {
    throw new XlirError(
      'TOKENIZER_INVALID',
      `${file} has no padding token ([PAD] or <pad>, or pad_token in ${MODEL_FOLDER_FILES.tokenizerConfig}): batches cannot be padded. Add one to the tokenizer.`,
    );
  }
  return createTextTokenizer(tokenizer, manifest, padId, countTrailingSpecials(tokenizer));
}

// Ids are written through 32-bit views of the BigInt64 buffers: no BigInt is created per token.
// That needs a little-endian machine (the low word first), which every platform Node runs on is.
const LITTLE_ENDIAN = os.endianness() === 'LE';

/** The tokenize stage over a loaded tokenizer (exported for bench/tokenizer-parity.ts, which times two). */
export function createTextTokenizer(tokenizer: HfTokenizer, manifest: ModelManifest, padId: number, trailing: number): TextTokenizer {
  const { maxLength, prefixes } = manifest;
  const keepHead = maxLength - trailing;
  if (!LITTLE_ENDIAN) throw new Error('XLIR Bench needs a little-endian machine');

  function encodeOne(text: string): number[] {
    const ids = tokenizer.encode(text).ids;
    if (ids.length > maxLength) {
      // Keep the first maxLength - trailing tokens and the trailing special tokens, as
      // Hugging Face truncation does: the model always sees its end-of-sequence token.
      for (let k = 0; k < trailing; k++) ids[keepHead + k] = ids[ids.length - trailing + k];
      ids.length = maxLength;
    }
    return ids;
  }

  let pairTemplate: PairTemplate | undefined;
  function encodePair(text: string, context: string): { ids: number[]; types: number[] } {
    pairTemplate ??= findPairTemplate(tokenizer);
    const bare = (t: string) => tokenizer.encode(t, { add_special_tokens: false }).ids;
    return pairRow(pairTemplate, bare(text), bare(context), maxLength);
  }

  return {
    padId,
    trailingSpecialTokens: trailing,
    tokenize(texts, kind) {
      const prefix = prefixes[kind];
      const batchSize = texts.length;
      const rows = new Array<number[]>(batchSize);
      const lengths = new Array<number>(batchSize);
      let segments: number[][] | undefined;
      let sequenceLength = 0;
      for (let b = 0; b < batchSize; b++) {
        const text = texts[b];
        let ids: number[];
        if (typeof text === 'string') ids = encodeOne(prefix + text);
        else {
          const pair = encodePair(prefix + text.text, text.context);
          ids = pair.ids;
          (segments ??= new Array<number[]>(batchSize))[b] = pair.types;
        }
        rows[b] = ids;
        lengths[b] = ids.length;
        if (ids.length > sequenceLength) sequenceLength = ids.length;
      }
      const inputIds = new BigInt64Array(batchSize * sequenceLength);
      const attentionMask = new BigInt64Array(batchSize * sequenceLength);
      const ids32 = new Int32Array(inputIds.buffer);
      const mask32 = new Int32Array(attentionMask.buffer);
      for (let b = 0; b < batchSize; b++) {
        const row = rows[b];
        let at = 2 * b * sequenceLength;
        for (let s = 0; s < row.length; s++, at += 2) {
          ids32[at] = row[s];
          mask32[at] = 1;
        }
        if (padId !== 0) for (let s = row.length; s < sequenceLength; s++, at += 2) ids32[at] = padId;
      }
      if (!segments) return { batchSize, sequenceLength, inputIds, attentionMask, lengths };
      const tokenTypeIds = new BigInt64Array(batchSize * sequenceLength);
      const types32 = new Int32Array(tokenTypeIds.buffer);
      segments.forEach((types, b) => types.forEach((type, s) => (types32[2 * (b * sequenceLength + s)] = type)));
      return { batchSize, sequenceLength, inputIds, attentionMask, lengths, tokenTypeIds };
    },
  };
}
