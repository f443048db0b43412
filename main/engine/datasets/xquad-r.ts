import path from 'node:path';
import { BROTLI_SUFFIX } from './data-file.ts';
import { loadLareqaFiles } from './lareqa-format.ts';
import type { RetrievalDataset } from './retrieval-dataset.ts';
import { requireKnownLanguages } from './select.ts';

/**
 * XQuAD-R (LAReQA, Roy et al. 2020): XQuAD's 1,190 questions in 11 languages, each answered by
 * one sentence per language, so every query has 11 relevant candidates in a pool of 13,014.
 * Files: `{dataDir}/xquad-r/{lang}.json`; format and ids: see lareqa-format.ts.
 */
export const XQUAD_R_LANGUAGES = ['ar', 'de', 'el', 'en', 'es', 'hi', 'ru', 'th', 'tr', 'vi', 'zh'] as const;
export type XquadRLanguage = (typeof XQUAD_R_LANGUAGES)[number];

export const XQUAD_R_FOLDER = 'xquad-r';

/** `{dataDir}/xquad-r/{lang}.json`, or `….json.br` for the brotli-compressed copies the tool ships. */
export function xquadRFile(dataDir: string, lang: string, options: { compressed?: boolean } = {}): string {
  return path.join(dataDir, XQUAD_R_FOLDER, `${lang}.json${options.compressed ? BROTLI_SUFFIX : ''}`);
}

/** Loads the given languages (default all 11) from `{dataDir}/xquad-r/` (compressed: the bundled `.json.br` files). */
export async function loadXquadR(dataDir: string, langs: readonly string[] = XQUAD_R_LANGUAGES, options: { compressed?: boolean } = {}): Promise<RetrievalDataset> {
  const selected = requireKnownLanguages(langs, XQUAD_R_LANGUAGES, 'xquad-r');
  return loadLareqaFiles('xquad-r', selected.map((lang) => ({ lang, file: xquadRFile(dataDir, lang, options) })), {
    requireParallel: true,
    missingHint:
      `the data folder must hold xquad-r/{${XQUAD_R_LANGUAGES.join(',')}}.json (from github.com/google-research-datasets/lareqa), ` +
      'or leave --data-dir and XLIR_DATA_DIR unset to download them; --langs picks fewer languages.',
  });
}
