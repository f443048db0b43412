import type { DatasetName } from '../../../main/engine/datasets/registry.ts';
import type { ExecutionProvider } from '../../../main/engine/models/encoder.ts';
import { runOptionIssues, type RunLimits } from '../../../main/engine/run/option-bounds.ts';
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
  operatorProfile: boolean;
  seed: number | null;
  bootstrapResamples: number | null;
  /** Precision variants run besides each model's graph (`int8`, `fp16`). */
  variants: string[];
  /** `model`: each model's manifest says (else the sentence alone). */
  candidateContext: 'model' | 'none' | 'paragraph';
  /** Comparisons by model folder (`--pair`); none: each hybrid with the baseline of its family. */
  pairs: { baseline: string; candidate: string }[];
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
    rounds: s?.rounds ?? 20,
    batchSizes: s?.kind === 'offline' ? s.batchSizes.join(', ') : '1, 8, 32',
    targetQps: s?.kind === 'server' ? s.targetQps : 50,
    quality: config?.quality ?? true,
    lexicalFloor: config?.lexicalFloor ?? true,
    roofline: config?.roofline ?? true,
    operatorProfile: config?.operatorProfile ?? true,
    seed: config?.seed ?? 1,
    bootstrapResamples: config?.bootstrapResamples ?? 2000,
    variants: config?.variants ?? [],
    candidateContext: config?.candidateContext ?? 'model',
    pairs: config?.pairs?.map((p) => ({ ...p })) ?? [],
  };
}

const blank = (v: number | null | undefined): v is null | undefined => v === null || v === undefined || Number.isNaN(v);

/** The form's name of each numeric option, for the bounds' messages. */
const FIELD_LABELS: Readonly<Record<string, string>> = {
  'dataset.maxQueries': 'Max queries',
  'provider.intraOpThreads': 'Threads',
  'scenario.warmupQueries': 'Warm-up queries',
  'scenario.minQueries': 'Min queries',
  'scenario.minDurationMs': 'Min duration',
  'scenario.rounds': 'Rounds',
  'scenario.batchSizes': 'Batch sizes',
  'scenario.targetQps': 'Target QPS',
  seed: 'Seed',
  bootstrapResamples: 'Bootstrap resamples',
};

/** Before the app has said what this machine can do: only the bounds that do not depend on it. */
const UNKNOWN_MACHINE: RunLimits = { machine: { cores: Number.POSITIVE_INFINITY, availableMemoryBytes: Number.POSITIVE_INFINITY }, models: [] };

/**
 * The config the form describes, or what is wrong with it. `datasetLanguages` are the dataset's
 * languages: with all of them ticked the config names none, so it means "all" wherever it is reused.
 * Numbers are checked with the bounds the app checks a run with (option-bounds.ts), for the machine
 * and the models of `limits`.
 */
export function configFromForm(form: RunForm, datasetLanguages: readonly string[], limits: RunLimits = UNKNOWN_MACHINE): { config: RunConfigInput; errors: [] } | { config: null; errors: string[] } {
  const errors: string[] = [];
  const optional = (value: number | null) => (blank(value) ? undefined : value);
  const required = (value: number | null, label: string, fallback: number): number => {
    if (blank(value)) errors.push(`${label} is required.`);
    return optional(value) ?? fallback;
  };

  if (form.models.length === 0) errors.push('Choose at least one model.');
  form.pairs.forEach((p, i) => {
    if (!form.models.includes(p.baseline) || !form.models.includes(p.candidate)) errors.push(`Comparison ${i + 1}: both of its models must be among the models chosen.`);
    else if (p.baseline === p.candidate) errors.push(`Comparison ${i + 1}: compares a model with itself (an A/A test is Calibrate).`);
  });
  const someLanguages = datasetLanguages.length > 0 && form.langs.length < datasetLanguages.length;
  if (datasetLanguages.length > 0 && form.langs.length === 0) errors.push('Choose at least one language.');
  if (form.dataset !== 'xquad-r' && form.datasetPath.trim() === '') errors.push(`The ${form.dataset} dataset needs the folder that holds its files.`);
  const maxQueries = optional(form.maxQueries);
  const threads = optional(form.threads);
  const common = {
    warmupQueries: required(form.warmupQueries, 'Warm-up queries', 0),
    minQueries: required(form.minQueries, 'Min queries', 1),
    minDurationMs: Math.round(required(form.minDurationS, 'Min duration', 0) * 1000),
    rounds: required(form.rounds, 'Rounds', 1),
  };

  let scenario: RunConfigInput['scenario'];
  if (form.scenario === 'single-stream') {
    scenario = { kind: 'single-stream', ...common };
  } else if (form.scenario === 'offline') {
    const typed = form.batchSizes.split(/[\s,]+/).filter(Boolean).map(Number);
    const sizes = typed.filter((n) => !Number.isNaN(n));
    if (typed.length === 0 || sizes.length < typed.length) errors.push('Batch sizes must be whole numbers of at least 1, separated by commas.');
    scenario = { kind: 'offline', ...common, batchSizes: sizes };
  } else {
    scenario = { kind: 'server', ...common, targetQps: required(form.targetQps, 'Target QPS', 1) };
  }
  const seed = optional(form.seed);
  const bootstrapResamples = optional(form.bootstrapResamples);
  const config: RunConfigInput = {
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
    operatorProfile: form.operatorProfile,
    ...(seed !== undefined && { seed }),
    ...(bootstrapResamples !== undefined && { bootstrapResamples }),
    variants: form.variants,
    ...(form.candidateContext !== 'model' && { candidateContext: form.candidateContext }),
    ...(form.pairs.length > 0 && { pairs: form.pairs.map((p) => ({ ...p })) }),
  };
  for (const issue of runOptionIssues(config, limits)) {
    errors.push(`${FIELD_LABELS[issue.path.filter((p) => typeof p === 'string').join('.')] ?? issue.path.join('.')}: ${issue.message}`);
  }
  return errors.length > 0 ? { config: null, errors } : { config, errors: [] };
}
