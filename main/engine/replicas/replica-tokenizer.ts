import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchFailureReason } from '../datasets/download.ts';
import { XlirError } from '../errors.ts';
import type { ReplicaSpec, SpecialIds } from './replica-catalog.ts';

/**
 * The tokenizer a replica ships with. Token counts matter as much as the graph, so the real one
 * is taken where it can be had: a file the user names, the Hugging Face cache (a machine that has
 * used `transformers` holds it), or a download from the Hub. Without any of them (offline), a
 * stand-in: a subword WordPiece of the replicas module's own (stand-in-tokenizer/, the 14,000-token
 * tokenizer of the former bundled xlir-mini pair; its README gives provenance and licence) with its
 * special tokens moved to the real model's ids (as native-models/replicas/tokenizers.py does), and the
 * manifest says so.
 */

const HUB = 'https://huggingface.co';
export const hubTokenizerUrl = (hubId: string, hub = HUB) => `${hub}/${hubId}/resolve/main/tokenizer.json`;
/**
 * The stand-in's tokenizer.json, beside this module (packaged into app.asar: electron.config.ts).
 * Its own copy, not a bundled model's, so replacing the bundled models keeps its token counts.
 */
export const standInTokenizerFile = () => fileURLToPath(new URL('./stand-in-tokenizer/tokenizer.json', import.meta.url));

export interface ReplicaTokenizer {
  text: string;
  /** Where it came from, for the manifest's provenance. */
  source: string;
  /** Set for a stand-in: why the real one was not used. */
  standInReason?: string;
}

export interface ReplicaTokenizerOptions {
  /** The real model's tokenizer.json, given by the user. */
  file?: string;
  /** Hugging Face hub cache; default $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  hubCacheDir?: string;
  /** Skip the Hub download (tests, or a user who wants no network access). */
  offline?: boolean;
  /** The Hub's address; tests point it at a local server. */
  hubUrl?: string;
  timeoutMs?: number;
}

function defaultHubCache(env: NodeJS.ProcessEnv = process.env): string {
  return env.HF_HUB_CACHE || path.join(env.HF_HOME || path.join(os.homedir(), '.cache', 'huggingface'), 'hub');
}

/** tokenizer.json of `hubId` in a Hugging Face hub cache (models--org--name/snapshots/REV/), if any. */
function findInHubCache(hubId: string, cacheDir: string): string | undefined {
  const snapshots = path.join(cacheDir, `models--${hubId.replace('/', '--')}`, 'snapshots');
  if (!existsSync(snapshots)) return undefined;
  return readdirSync(snapshots)
    .sort()
    .map((rev) => path.join(snapshots, rev, 'tokenizer.json'))
    .find((file) => existsSync(file));
}

async function readTokenizerJson(file: string): Promise<string> {
  const text = await readFile(file, 'utf8');
  try {
    JSON.parse(text);
  } catch (err) {
    throw new XlirError('TOKENIZER_INVALID', `${file} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  return text;
}

async function download(url: string, timeoutMs: number): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
  const text = await response.text();
  JSON.parse(text); // a proxy's HTML error page must not become tokenizer.json
  return text;
}

interface TokenizerJson {
  model: { vocab: Record<string, number> };
  added_tokens: { id: number; content: string }[];
  post_processor?: { special_tokens?: Record<string, { ids: number[]; tokens: string[] }> };
}

/**
 * Renumbers a WordPiece tokenizer.json so its special tokens get the real model's ids, swapping
 * with whatever token held each id (and appending `[unusedN]` tokens up to an id beyond the vocabulary).
 */
export function remapSpecialIds(tokenizer: TokenizerJson, targets: SpecialIds): TokenizerJson {
  const result = structuredClone(tokenizer);
  const vocab = result.model.vocab;
  const byId = new Map(Object.entries(vocab).map(([token, id]) => [id, token]));
  for (const [token, target] of Object.entries(targets)) {
    for (let filler = byId.size; filler <= target; filler++) {
      vocab[`[unused${filler}]`] = filler;
      byId.set(filler, `[unused${filler}]`);
    }
    const current = vocab[token];
    const displaced = byId.get(target)!;
    vocab[token] = target;
    vocab[displaced] = current;
    byId.set(target, token);
    byId.set(current, displaced);
  }
  for (const added of result.added_tokens) added.id = vocab[added.content];
  for (const entry of Object.values(result.post_processor?.special_tokens ?? {})) entry.ids = entry.tokens.map((t) => vocab[t]);
  return result;
}

async function standIn(spec: ReplicaSpec, reason: string): Promise<ReplicaTokenizer> {
  const file = standInTokenizerFile();
  const tokenizer = remapSpecialIds(JSON.parse(await readTokenizerJson(file)) as TokenizerJson, spec.specialIds);
  if (Object.keys(tokenizer.model.vocab).length > spec.architecture.vocabSize) {
    throw new XlirError('TOKENIZER_INVALID', `the stand-in vocabulary (${file}) is larger than ${spec.hubId}'s`);
  }
  return {
    text: `${JSON.stringify(tokenizer)}\n`,
    source: `STAND-IN tokenizer (XLIR Bench's 14,000-token WordPiece, special ids moved to ${spec.hubId}'s)`,
    standInReason: reason,
  };
}

export async function replicaTokenizer(spec: ReplicaSpec, options: ReplicaTokenizerOptions = {}): Promise<ReplicaTokenizer> {
  if (options.file !== undefined) {
    if (!existsSync(options.file)) throw new XlirError('TOKENIZER_INVALID', `${options.file} not found (the tokenizer.json of ${spec.hubId})`);
    return { text: await readTokenizerJson(options.file), source: `tokenizer.json from ${options.file}` };
  }
  const cached = findInHubCache(spec.hubId, options.hubCacheDir ?? defaultHubCache());
  if (cached) return { text: await readTokenizerJson(cached), source: `tokenizer.json of ${spec.hubId} from the Hugging Face cache (${cached})` };
  const url = hubTokenizerUrl(spec.hubId, options.hubUrl);
  if (options.offline) return standIn(spec, `not downloaded, offline; the real one is ${url}`);
  try {
    return { text: await download(url, options.timeoutMs ?? 15_000), source: `tokenizer.json from ${url}` };
  } catch (err) {
    return standIn(spec, `${url} could not be downloaded: ${fetchFailureReason(err)}`);
  }
}
