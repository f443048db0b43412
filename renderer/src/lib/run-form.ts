import type { DatasetName } from '../../../main/engine/datasets/registry.ts';
import type { ExecutionProvider } from '../../../main/engine/models/encoder.ts';
import type { RunConfig, RunConfigInput } from '../../../main/engine/run/run-config.ts';

/**
 * The run form's fields, flat and as the inputs hold them (empty number fields are null), and
 * their translation to and from `RunConfig`. The app validates the config again with its schema;
 * these checks only give messages next to the form before a call is made.
 */
export interface RunForm {
  /** Model folders. */
  models: string[];
  dataset: DatasetName;
  /** Folder holding xquad-r/; empty: the app's default. */
  dataDir: string;
  /** mlqa-r and custom: the folder with the files. */
  datasetPath: string;
  /** Languages chosen; all of the dataset's when every box is ticked. */
  langs: string[];
  maxQueries: number | null;
  providers: ProviderChoice;
  threads: number | null;
  scenario: RunConfig['scenario']['kind'];
  warmupQueries: number | null;
  minQueries: number | null;
  minDurationS: number | null;
  rounds: number | null;
  /** Comma-separated, as typed. */
  batchSizes: string;
  targetQps: number | null;
  quality: boolean;
  lexicalFloor: boolean;
  roofline: boolean;
  seed: number | null;
  bootstrapResamples: number | null;
  /** Precision variants run besides each model's graph (`int8`, `fp16`). */
  variants: string[];
  /** `model`: each model's manifest says (else the sentence alone). */
  candidateContext: 'model' | 'none' | 'paragraph';
}

/** CPU, CUDA only (fails where CUDA cannot run), or CUDA falling back to CPU. */
export type ProviderChoice = 'cpu' | 'cuda' | 'cuda,cpu';

export function formFromConfig(config: RunConfig | undefined, bundledModels: readonly string[]): RunForm {
  const s = config?.scenario;
  return {
    models: config?.models ?? [...bundledModels],
    dataset: config?.dataset.name ?? 'xquad-r',
    dataDir: config?.dataset.dataDir ?? '',
    datasetPath: config?.dataset.path ?? '',
    langs: config?.dataset.langs ?? [],
    maxQueries: config?.dataset.maxQueries ?? null,
    providers: (config?.provider.executionProviders.join(',') as ProviderChoice | undefined) ?? 'cpu',
    threads: config?.provider.intraOpThreads ?? null,
    scenario: s?.kind ?? 'single-stream',
    warmupQueries: s?.warmupQueries ?? 20,
    minQueries: s?.minQueries ?? 200,
    minDurationS: s ? s.minDurationMs / 1000 : 5,
    rounds: s?.kind === 'single-stream' ? s.rounds : 10,
    batchSizes: s?.kind === 'offline' ? s.batchSizes.join(', ') : '1, 8, 32',
    targetQps: s?.kind === 'server' ? s.targetQps : 50,
    quality: config?.quality ?? true,
    lexicalFloor: config?.lexicalFloor ?? true,
    roofline: config?.roofline ?? true,
    seed: config?.seed ?? 1,
    bootstrapResamples: config?.bootstrapResamples ?? 2000,
    variants: config?.variants ?? [],
    candidateContext: config?.candidateContext ?? 'model',
  };
}

const blank = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || Number.isNaN(v);

/**
 * The config the form describes, or what is wrong with it. `datasetLanguages` are the dataset's
 * languages: with all of them ticked the config names none, so it means "all" wherever it is reused.
 */
export function configFromForm(form: RunForm, datasetLanguages: readonly string[]): { config: RunConfigInput; errors: [] } | { config: null; errors: string[] } {
  const errors: string[] = [];
  const whole = (value: number | null, label: string, min: number): number | undefined => {
    if (blank(value)) return undefined;
    if (!Number.isInteger(value) || value < min) errors.push(`${label} must be a whole number of at least ${min}.`);
    return value;
  };
  const required = (value: number | null, label: string, min: number): number => {
    if (blank(value)) errors.push(`${label} is required.`);
    return whole(value, label, min) ?? min;
  };

  if (form.models.length === 0) errors.push('Choose at least one model.');
  const someLanguages = datasetLanguages.length > 0 && form.langs.length < datasetLanguages.length;
  if (datasetLanguages.length > 0 && form.langs.length === 0) errors.push('Choose at least one language.');
  if (form.dataset !== 'xquad-r' && form.datasetPath.trim() === '') errors.push(`The ${form.dataset} dataset needs the folder that holds its files.`);
  const maxQueries = whole(form.maxQueries, 'Max queries', 1);
  const threads = whole(form.threads, 'Threads', 1);
  const common = {
    warmupQueries: required(form.warmupQueries, 'Warm-up queries', 0),
    minQueries: required(form.minQueries, 'Min queries', 1),
    minDurationMs: 0,
  };
  if (blank(form.minDurationS) || form.minDurationS < 0) errors.push('Min duration must be 0 seconds or more.');
  else common.minDurationMs = Math.round(form.minDurationS * 1000);

  let scenario: RunConfigInput['scenario'];
  if (form.scenario === 'single-stream') {
    scenario = { kind: 'single-stream', ...common, rounds: required(form.rounds, 'Rounds', 1) };
  } else if (form.scenario === 'offline') {
    const sizes = form.batchSizes.split(/[\s,]+/).filter(Boolean).map(Number);
    if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) errors.push('Batch sizes must be whole numbers of at least 1, separated by commas.');
    scenario = { kind: 'offline', ...common, batchSizes: sizes };
  } else {
    if (blank(form.targetQps) || !(form.targetQps > 0)) errors.push('Target QPS must be above 0.');
    scenario = { kind: 'server', ...common, targetQps: form.targetQps ?? 1 };
  }
  const seed = whole(form.seed, 'Seed', 0);
  const bootstrapResamples = whole(form.bootstrapResamples, 'Bootstrap resamples', 100);
  if (errors.length > 0) return { config: null, errors };

  return {
    errors: [],
    config: {
      models: form.models,
      dataset: {
        name: form.dataset,
        ...(form.dataDir.trim() && { dataDir: form.dataDir.trim() }),
        ...(form.dataset !== 'xquad-r' && { path: form.datasetPath.trim() }),
        ...(someLanguages && { langs: datasetLanguages.filter((l) => form.langs.includes(l)) }),
        ...(maxQueries !== undefined && { maxQueries }),
      },
      provider: {
        executionProviders: form.providers.split(',') as ExecutionProvider[],
        ...(threads !== undefined && { intraOpThreads: threads }),
      },
      scenario,
      quality: form.quality,
      lexicalFloor: form.lexicalFloor,
      roofline: form.roofline,
      ...(seed !== undefined && { seed }),
      ...(bootstrapResamples !== undefined && { bootstrapResamples }),
      variants: form.variants,
      ...(form.candidateContext !== 'model' && { candidateContext: form.candidateContext }),
    },
  };
}
