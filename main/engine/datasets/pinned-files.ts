import path from 'node:path';
import { BROTLI_SUFFIX, type DataFileRecord } from './data-file.ts';
import { XQUAD_R_FOLDER, type XquadRLanguage } from './xquad-r.ts';

/** A file as published upstream at a fixed commit: what a download must reproduce byte for byte. */
export interface PinnedFile {
  bytes: number;
  sha256: string;
}

/**
 * XQuAD-R as the benchmark measures it: google-research-datasets/lareqa at its newest commit
 * (2020-05-19). Sizes and hashes are those of /work/shared/data/xquad-r/PROVENANCE.md, checked
 * there against the git blobs of that commit. Results are only comparable on these exact bytes.
 */
export const XQUAD_R_PINNED = {
  repository: 'github.com/google-research-datasets/lareqa',
  commit: '9bc8c7fb6dd8d01d72a05a93c2cb96882b0d299c',
  licence: 'CC BY-SA 4.0',
  baseUrl: 'https://raw.githubusercontent.com/google-research-datasets/lareqa/9bc8c7fb6dd8d01d72a05a93c2cb96882b0d299c/xquad-r/',
  files: {
    ar: { bytes: 2234875, sha256: 'c52922d3b8ac1ae03ed5ac38647ad59870dca3dda2beefe18ecdc30729acb69d' },
    de: { bytes: 732156, sha256: '16fb0f4bf4916154b585a20c24c66074591c9718a1affe764ff4697572328949' },
    el: { bytes: 2810127, sha256: '163fd43ee785a30eb534ae2061e9eaa766a7ee4e8ffce5e4b422480c150f64b6' },
    en: { bytes: 628651, sha256: '7b0954f39297c27a31fef610f0883337dd2907fa8699151dc922afdd0fa12ffe' },
    es: { bytes: 746335, sha256: 'f8e836b2d91009c4363e04315f7ede363eedbbb49c67dda60de6c4aa782f58de' },
    hi: { bytes: 2408404, sha256: 'ea45ba8ae4513d1533b222bebdc02a90bc319c055d3aeea68584a053d2e92872' },
    ru: { bytes: 2764904, sha256: '7f4dff853538b9a5fcc28c070b8bb983a5c5d190ac747b8e005a1ada9cab18f1' },
    th: { bytes: 2618544, sha256: 'c3a041864c3a9fb0b4dd91cfdf99cf36b411b3e704c58a303c97bc6dc786cfe4' },
    tr: { bytes: 827827, sha256: 'f3e8c13002bbce154a4578f535f7533cb70f3da08840e6b62735935baec7bd94' },
    vi: { bytes: 1132303, sha256: 'e35926bf5cc6fc6ecbdfca49467aabeb454f08d152d7818143a906bd31dde995' },
    zh: { bytes: 959291, sha256: '80c2cde7b9c2fb134c303cbb52f2ba396ead9eb0014aec43993543d2ba9e93ed' },
  } satisfies Record<XquadRLanguage, PinnedFile>,
} as const;

/**
 * One warning per XQuAD-R file read whose bytes differ from the pinned upstream file. Not an
 * error: a user may measure a corrected or re-encoded copy on purpose, but the report must say so.
 */
export function xquadRPinnedWarnings(files: readonly DataFileRecord[]): string[] {
  const pinned: Record<string, PinnedFile> = XQUAD_R_PINNED.files;
  return files.flatMap((file) => {
    const lang = path.basename(file.path.endsWith(BROTLI_SUFFIX) ? file.path.slice(0, -BROTLI_SUFFIX.length) : file.path, '.json');
    const expected = path.basename(path.dirname(file.path)) === XQUAD_R_FOLDER ? pinned[lang] : undefined;
    if (expected === undefined || expected.sha256 === file.sha256) return [];
    return [
      `${file.path} differs from the pinned XQuAD-R file (sha256 ${file.sha256}, ${file.bytes} bytes; expected ${expected.sha256}, ` +
        `${expected.bytes} bytes, ${XQUAD_R_PINNED.repository}@${XQUAD_R_PINNED.commit.slice(0, 7)}): results are not comparable with published XQuAD-R numbers.`,
    ];
  });
}
