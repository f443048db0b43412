import path from 'node:path';
import type { RetrievalDataset } from '../datasets/retrieval-dataset.ts';
import { XlirError } from '../errors.ts';
import type { CandidateContext } from '../models/manifest.ts';
import { openModelFolder } from '../models/model-folder.ts';
import { checkVariant } from '../models/variant-file.ts';
import type { RunConfig } from './run-config.ts';

/** One encoder a run measures: a model folder, as it is or as one of its precision variants. */
export interface RunModel {
  dir: string;
  /** Absent: the folder's graph itself. */
  variant?: string;
  /** The folder's model name (without the variant). */
  modelName: string;
  /** The name its results carry: unique in the run (`xlm-roberta-base-replica@int8`; `#2` for a second folder of the same name). */
  runName: string;
  candidateContext: CandidateContext;
}

/** The name a run gives a variant's results, so every measured encoder has its own: `xlm-roberta-base-replica@int8`. */
export const variantRunName = (modelName: string, variant?: string): string => (variant === undefined ? modelName : `${modelName}@${variant}`);

/**
 * Every encoder the run measures — each model, then each of its requested variants — checked
 * before any dataset work: a folder that is not a model, an unknown variant or a `--pair` naming
 * no model fails here, in a second rather than after the dataset is read.
 */
export async function planRunModels(config: RunConfig): Promise<RunModel[]> {
  const planned: RunModel[] = [];
  const taken = new Map<string, number>();
  const unique = (name: string) => {
    const n = (taken.get(name) ?? 0) + 1;
    taken.set(name, n);
    return n === 1 ? name : `${name}#${n}`;
  };
  for (const dir of config.models) {
    const folder = await openModelFolder(dir);
    for (const variant of config.variants) checkVariant(folder, variant);
    const modelName = folder.known.name!.value;
    const candidateContext = config.candidateContext ?? folder.known.candidateContext?.value ?? 'none';
    for (const variant of [undefined, ...config.variants]) {
      planned.push({ dir, modelName, runName: unique(variantRunName(modelName, variant)), candidateContext, ...(variant !== undefined && { variant }) });
    }
  }
  for (const pair of config.pairs ?? []) {
    for (const side of [pair.baseline, pair.candidate]) {
      if (!planned.some((m) => modelMatches(m.modelName, m.dir, side))) {
        throw new XlirError('CONFIG_INVALID', `--pair ${pair.baseline}:${pair.candidate}: no model of this run is called "${side}" (the run's models: ${[...new Set(planned.map((m) => m.modelName))].join(', ')}).`);
      }
    }
  }
  return planned;
}

/** Whether `key` (from --pair) names this model: its name, its folder name or its folder path. */
export function modelMatches(modelName: string, dir: string, key: string): boolean {
  return key === modelName || key === path.basename(path.resolve(dir)) || path.resolve(key) === path.resolve(dir);
}

/**
 * Candidate texts as a model wants them: the sentence, or the sentence with its paragraph.
 * Paragraph context needs a dataset that gives each candidate its paragraph.
 */
export function candidateInputs(dataset: RetrievalDataset, context: CandidateContext): (string | { text: string; context: string })[] {
  if (context === 'none') return dataset.candidates.map((c) => c.text);
  const without = dataset.candidates.filter((c) => c.context === undefined);
  if (without.length > 0) {
    throw new XlirError(
      'DATASET_NO_CONTEXT',
      `Candidate context "paragraph" needs each candidate's paragraph, and ${dataset.name} gives none for ${without.length} of ${dataset.candidates.length} candidates (e.g. "${without[0].id}"). ` +
        'XQuAD-R and MLQA-R give paragraphs; a custom dataset gives them in candidates.jsonl "context". Or run with --candidate-context none.',
    );
  }
  return dataset.candidates.map((c) => ({ text: c.text, context: c.context! }));
}
