import { existsSync } from 'node:fs';
import path from 'node:path';
import { XlirError } from '../errors.ts';
import { loadCustomDataset } from './custom.ts';
import { describeDataDirSource, resolveDataDir } from './data-dir.ts';
import { ensurePinnedXquadR, type DownloadOptions } from './download.ts';
import { findMlqaRFolder, loadMlqaR, MLQA_R_LANGUAGES } from './mlqa-r.ts';
import { XQUAD_R_PINNED, xquadRPinnedWarnings } from './pinned-files.ts';
import type { RetrievalDataset } from './retrieval-dataset.ts';
import { requireKnownLanguages, selectSubset } from './select.ts';
import { findBundledXquadR } from './bundled-data.ts';
import { loadXquadR, XQUAD_R_FOLDER, XQUAD_R_LANGUAGES, xquadRFile } from './xquad-r.ts';

export const DATASET_NAMES = ['xquad-r', 'mlqa-r', 'custom'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface LoadDatasetOptions {
  name: DatasetName;
  /** Folder holding `xquad-r/` (and `mlqa-r/`); unset: $XLIR_DATA_DIR, else the download cache. */
  dataDir?: string;
  /** mlqa-r: the folder of the user's copy; custom: the dataset folder. */
  path?: string;
  langs?: string[];
  maxQueries?: number;
  /** Seeds the maxQueries choice; default 1, as in the run configuration. */
  seed?: number;
}

export interface LoadDatasetContext {
  env?: NodeJS.ProcessEnv;
  download?: DownloadOptions;
  /** The bundled data folder (default: the one shipped with the tool); null as in an install without it. */
  bundledDataDir?: string | null;
}

export interface LoadedDataset {
  dataset: RetrievalDataset;
  /** Things a report must mention (data that differs from the pinned files, dropped queries); not errors. */
  warnings: string[];
}

/** The one way to get a dataset: find or download its files, parse and check them, take the subset asked for. */
export async function loadDataset(options: LoadDatasetOptions, context: LoadDatasetContext = {}): Promise<LoadedDataset> {
  const env = context.env ?? process.env;
  const warnings: string[] = [];
  let dataset: RetrievalDataset;
  switch (options.name) {
    case 'xquad-r': {
      const langs = requireKnownLanguages(options.langs ?? XQUAD_R_LANGUAGES, XQUAD_R_LANGUAGES, 'xquad-r');
      const { dir, source } = resolveDataDir(options.dataDir, env, context.bundledDataDir);
      if (source === 'cache') {
        await ensurePinnedXquadR(dir, langs, context.download);
      } else if (!existsSync(path.join(dir, XQUAD_R_FOLDER))) {
        throw new XlirError(
          'DATASET_NOT_FOUND',
          `${path.join(dir, XQUAD_R_FOLDER)} not found: the data folder from ${describeDataDirSource(source)} must hold xquad-r/{lang}.json. ` +
            'Point it at the folder that contains xquad-r/, or unset --data-dir and XLIR_DATA_DIR to download the pinned files.',
        );
      }
      dataset = await loadXquadR(dir, langs, { compressed: source === 'bundled' });
      // The cache holds verified copies; other folders (the bundled one too: it is hashed as it is read anyway) may differ.
      if (source !== 'cache') warnings.push(...xquadRPinnedWarnings(dataset.files));
      break;
    }
    case 'mlqa-r': {
      const folder = findMlqaRLocation(options, env);
      dataset = await loadMlqaR(folder, options.langs ?? MLQA_R_LANGUAGES);
      break;
    }
    case 'custom': {
      if (!options.path) throw new XlirError('DATASET_NOT_FOUND', 'The custom dataset needs its folder: pass --dataset-path DIR (see main/engine/datasets/CUSTOM-FORMAT.md).');
      dataset = await loadCustomDataset(options.path);
      break;
    }
    default:
      throw new XlirError('DATASET_UNKNOWN', `Unknown dataset "${(options as { name: string }).name}"; known: ${DATASET_NAMES.join(', ')}.`);
  }
  const subset = selectSubset(dataset, { langs: options.langs, maxQueries: options.maxQueries, seed: options.seed });
  return { dataset: subset.dataset, warnings: [...warnings, ...subset.warnings] };
}

function findMlqaRLocation(options: LoadDatasetOptions, env: NodeJS.ProcessEnv): string {
  const cannotDownload = 'MLQA-R cannot be downloaded (CC BY-NC 4.0; removed upstream in lareqa commit b91469b)';
  if (options.path) {
    const folder = findMlqaRFolder(path.resolve(options.path));
    if (!folder) {
      throw new XlirError('DATASET_NOT_FOUND', `${options.path} (--dataset-path) holds no MLQA-R files: expected {${MLQA_R_LANGUAGES.join(',')}}.json there or in its mlqa-r/ folder.`);
    }
    return folder;
  }
  const { dir, source } = resolveDataDir(options.dataDir, env, null);
  const folder = source === 'cache' ? undefined : findMlqaRFolder(dir);
  if (!folder) throw new XlirError('DATASET_NOT_FOUND', `${cannotDownload}: pass --dataset-path DIR with your copy ({${MLQA_R_LANGUAGES.join(',')}}.json).`);
  return folder;
}

/** What `xlir datasets` shows for one dataset. */
export interface DatasetInfo {
  name: DatasetName;
  title: string;
  /** Empty for `custom`: its languages are whatever the user's files hold. */
  languages: string[];
  licence: string;
  /** Where the data comes from. */
  source: string;
  /** All its files are at `location` (for xquad-r in the cache: downloaded already). */
  found: boolean;
  /** True when `location` is the copy shipped with the tool (xquad-r). */
  bundled: boolean;
  /** The folder looked in, if any. */
  location?: string;
  /** What to do to use it. */
  howTo: string;
}

/** The known datasets and whether their files are at hand; reads no file content (fast, offline). */
export function listDatasets(options: { dataDir?: string } = {}, env: NodeJS.ProcessEnv = process.env, bundledDataDir: string | null = findBundledXquadR()): DatasetInfo[] {
  const { dir, source } = resolveDataDir(options.dataDir, env, bundledDataDir);
  const bundled = source === 'bundled';
  const xquadFound = XQUAD_R_LANGUAGES.every((lang) => existsSync(xquadRFile(dir, lang, { compressed: bundled })));
  const { dir: mlqaDir, source: mlqaSource } = resolveDataDir(options.dataDir, env, null);
  const mlqaFolder = mlqaSource === 'cache' ? undefined : findMlqaRFolder(mlqaDir);
  return [
    {
      name: 'xquad-r',
      title: 'XQuAD-R: 1,190 questions × 11 languages, answer-sentence retrieval from a 13,014-sentence pool',
      languages: [...XQUAD_R_LANGUAGES],
      licence: XQUAD_R_PINNED.licence,
      source: `${XQUAD_R_PINNED.repository} @ ${XQUAD_R_PINNED.commit}, xquad-r/{lang}.json (sha256-pinned)`,
      found: xquadFound,
      bundled,
      location: path.join(dir, XQUAD_R_FOLDER),
      howTo: bundled
        ? 'Ready (bundled: the pinned upstream files, brotli-compressed; --data-dir or XLIR_DATA_DIR reads another copy).'
        : source === 'cache'
          ? xquadFound ? 'Ready (downloaded and verified).' : 'Downloaded on first use (about 18 MB); offline, use --data-dir or XLIR_DATA_DIR.'
          : xquadFound ? `Ready (from ${describeDataDirSource(source)}).` : `Missing: ${describeDataDirSource(source)} must point at a folder holding xquad-r/.`,
    },
    {
      name: 'mlqa-r',
      title: 'MLQA-R: MLQA dev with sentence breaks, 7 languages, questions parallel in 2 to 4 of them',
      languages: [...MLQA_R_LANGUAGES],
      licence: 'CC BY-NC 4.0 (non-commercial; not shipped or downloaded)',
      source: 'github.com/google-research-datasets/lareqa before commit b91469b (mlqa-r/ or mlqa-dev-r/{lang}.json); a copy you supply',
      found: mlqaFolder !== undefined && MLQA_R_LANGUAGES.every((lang) => existsSync(path.join(mlqaFolder, `${lang}.json`))),
      bundled: false,
      location: mlqaFolder,
      howTo: 'Pass --dataset mlqa-r --dataset-path DIR (DIR holds {lang}.json or mlqa-r/), or put mlqa-r/ in the --data-dir folder.',
    },
    {
      name: 'custom',
      title: 'Your own queries, candidates and relevance pairs (JSON Lines)',
      languages: [],
      licence: 'yours',
      source: 'a folder with queries.jsonl, candidates.jsonl, qrels.jsonl (main/engine/datasets/CUSTOM-FORMAT.md)',
      found: false,
      bundled: false,
      howTo: 'Pass --dataset custom --dataset-path DIR.',
    },
  ];
}
