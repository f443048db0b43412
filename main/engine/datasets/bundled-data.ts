import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XQUAD_R_LANGUAGES, xquadRFile } from './xquad-r.ts';

/**
 * The data shipped with the tool (`data/` at the repository root): XQuAD-R's 11 files exactly as
 * pinned upstream, each brotli-compressed (`{lang}.json.br`, 1.4 MB for 17.9 MB of JSON), with
 * their CC BY-SA 4.0 licence and attribution in `data/xquad-r/README.md`. It makes the first run
 * work offline; `--data-dir` and XLIR_DATA_DIR still take precedence.
 */
export function bundledDataDir(): string {
  return fileURLToPath(new URL('../../../data/', import.meta.url));
}

/** The bundled data folder when all 11 XQuAD-R files are in it, else null (a trimmed install). */
export function findBundledXquadR(dir: string = bundledDataDir()): string | null {
  return XQUAD_R_LANGUAGES.every((lang) => existsSync(xquadRFile(dir, lang, { compressed: true }))) ? dir : null;
}
