import { existsSync } from 'node:fs';
import path from 'node:path';
import { XlirError } from '../errors.ts';
import { loadLareqaFiles } from './lareqa-format.ts';
import type { RetrievalDataset } from './retrieval-dataset.ts';
import { requireKnownLanguages } from './select.ts';

/**
 * MLQA-R (LAReQA): MLQA dev with sentence breaks, 7 languages, in XQuAD-R's format. Unlike
 * XQuAD-R a question exists in only some languages (2 to 4 of them upstream), so a query's
 * `relevant` holds the answers of the languages that have it.
 *
 * Its licence (CC BY-NC 4.0) forbids shipping it, and its authors removed it from the lareqa
 * repository (commit b91469b), so the user supplies a copy: a folder of `{lang}.json`, or a folder
 * holding one under the names the repository used (`mlqa-r/`, later `mlqa-dev-r/`).
 */
export const MLQA_R_LANGUAGES = ['ar', 'de', 'en', 'es', 'hi', 'vi', 'zh'] as const;

export const MLQA_R_FOLDER_NAMES = ['mlqa-r', 'mlqa-dev-r'] as const;

function hasLanguageFiles(dir: string): boolean {
  return MLQA_R_LANGUAGES.some((lang) => existsSync(path.join(dir, `${lang}.json`)));
}

/** The folder of `{lang}.json` files at or just under `dir`, or undefined if there is none. */
export function findMlqaRFolder(dir: string): string | undefined {
  return [dir, ...MLQA_R_FOLDER_NAMES.map((name) => path.join(dir, name))].find(hasLanguageFiles);
}

/** Loads the given languages (default all 7) from a folder of `{lang}.json` files (see findMlqaRFolder). */
export async function loadMlqaR(folder: string, langs: readonly string[] = MLQA_R_LANGUAGES): Promise<RetrievalDataset> {
  const selected = requireKnownLanguages(langs, MLQA_R_LANGUAGES, 'mlqa-r');
  const files = selected.map((lang) => ({ lang, file: path.join(folder, `${lang}.json`) }));
  const missing = files.filter(({ file }) => !existsSync(file));
  if (missing.length > 0) {
    const present = files.filter((f) => !missing.includes(f)).map((f) => f.lang);
    throw new XlirError(
      'DATASET_FILE_MISSING',
      `${folder} lacks MLQA-R file(s) ${missing.map((m) => `${m.lang}.json`).join(', ')}. ` +
        (present.length > 0 ? `Use --langs ${present.join(',')} to run on the languages present.` : `It needs {${MLQA_R_LANGUAGES.join(',')}}.json.`),
    );
  }
  return loadLareqaFiles('mlqa-r', files, { requireParallel: false, missingHint: `MLQA-R needs {${MLQA_R_LANGUAGES.join(',')}}.json in one folder.` });
}
