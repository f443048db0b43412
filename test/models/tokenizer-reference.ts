// The Hugging Face reference tokenizer (the Rust `tokenizers` core, through its Node binding, a dev
// dependency) and the texts the parity checks run over; shared by test/models/tokenizer-parity.test.ts
// and bench/tokenizer-parity.ts.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer as RustTokenizer } from 'tokenizers';
import { loadDataset } from '../../main/engine/datasets/registry.ts';
import { ModelManifestSchema } from '../../main/engine/models/manifest.ts';
import type { TextTokenizer } from '../../main/engine/models/tokenizer.ts';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const PARITY_TOKENIZERS = {
  // A subword WordPiece over all 11 languages: the latency replicas' stand-in (the former bundled xlir-mini one).
  wordpiece: path.join(REPO_ROOT, 'main/engine/replicas/stand-in-tokenizer'),
  'xlmr-unigram': path.join(REPO_ROOT, 'test/fixtures/xlmr-unigram'),
};

/** No prefix and no truncation: a tokenize stage that gives the ids of the text itself. */
export const PARITY_MANIFEST = ModelManifestSchema.parse({
  name: 'parity', family: 'parity', checkpoint: 'replica', pooling: 'mean', normalize: true, maxLength: 8192,
  output: 'last_hidden_state', dimension: 1, licence: 'n/a', provenance: 'n/a',
}); // prettier-ignore

/** Every XQuAD-R question, then every candidate, per language (26,104 texts in all). */
export async function xquadRTexts(dataDir: string): Promise<Map<string, string[]>> {
  if (!existsSync(path.join(dataDir, 'xquad-r', 'en.json'))) {
    throw new Error(`XQuAD-R not found under ${dataDir}: pass --data-dir, or set XLIR_DATA_DIR (default ../shared/data).`);
  }
  const { dataset } = await loadDataset({ name: 'xquad-r', dataDir }, { env: {} });
  const texts = new Map<string, string[]>();
  for (const { lang, text } of [...dataset.queries, ...dataset.candidates]) texts.set(lang, [...(texts.get(lang) ?? []), text]);
  return texts;
}

export function defaultDataDir(): string {
  return process.env.XLIR_DATA_DIR || path.resolve(REPO_ROOT, '../shared/data');
}

export interface ParityReport {
  mismatches: Record<string, number>;
  /** The first few differing texts with both id lists, for the failure message. */
  examples: string[];
}

/** Texts whose ids (special tokens included) differ from the reference's, per language. */
export async function compareWithReference(tokenizerFile: string, tokenizer: TextTokenizer, texts: Map<string, string[]>): Promise<ParityReport> {
  const reference = RustTokenizer.fromFile(tokenizerFile);
  const report: ParityReport = { mismatches: {}, examples: [] };
  for (const [lang, list] of texts) {
    const expected = (await reference.encodeBatch(list)).map((encoding) => encoding.getIds().join(' '));
    report.mismatches[lang] = 0;
    list.forEach((text, i) => {
      const ids = Array.from(tokenizer.tokenize([text], 'query').inputIds, Number).join(' ');
      if (ids === expected[i]) return;
      report.mismatches[lang]++;
      if (report.examples.length < 3) report.examples.push(`${lang} ${JSON.stringify(text)}\n  ours:      ${ids}\n  reference: ${expected[i]}`);
    });
  }
  return report;
}
