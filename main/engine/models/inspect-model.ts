import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import { XlirError } from '../errors.ts';
import { DERIVED_VARIANTS, isDerivedVariantName, type Precision } from '../precision/derived-variants.ts';
import { graphPrecision } from '../precision/graph-precision.ts';
import { loadModel } from './load-model.ts';
import type { ModelManifest } from './manifest.ts';
import { examineModelFolder, type FolderLayout, type FolderProblem } from './model-folder.ts';
import { variantChoices } from './variant-file.ts';

export interface GraphValue {
  name: string;
  type: string;
  shape: (number | string)[];
}

/** What `xlir inspect DIR` reports: what was found, what was inferred and from where, what is missing and how to fix it. */
export interface ModelInspection {
  dir: string;
  /** Files and folders at the top level and in onnx/. */
  found: string[];
  layout: FolderLayout | null;
  hasManifest: boolean;
  graph: { file: string; bytes: number; precision: Precision | null; inputs: GraphValue[]; outputs: GraphValue[] } | null;
  /** The settings the engine runs the model with (null when it cannot load). */
  manifest: ModelManifest | null;
  /** Field → where its value came from. */
  sources: Record<string, string>;
  /** Assumptions to check. */
  notes: string[];
  variants: { name: string; file: string | null; precision: Precision | null; recipe?: string }[];
  problems: FolderProblem[];
}

const values = (list: readonly InferenceSession.ValueMetadata[]): GraphValue[] =>
  list.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'not a tensor', shape: [] }));

/**
 * Examines a model folder and loads it (CPU, no graph optimisation: the settings, not speed, are
 * wanted), collecting every problem instead of stopping at the first, so a user sees at once all
 * that keeps a folder from running.
 */
export async function inspectModelFolder(dir: string): Promise<ModelInspection> {
  const examination = await examineModelFolder(dir);
  const { folder, found } = examination;
  const problems = [...examination.problems];
  const inspection: ModelInspection = { dir, found, layout: folder?.layout ?? null, hasManifest: folder?.manifestFile != null, graph: null, manifest: null, sources: {}, notes: folder?.notes ?? [], variants: [], problems };
  if (!folder) return inspection;

  const precisionOf = (file: string) => graphPrecision(file).catch(() => null);
  inspection.variants = await Promise.all(
    variantChoices(folder).map(async ({ name, file }) =>
      file === null && isDerivedVariantName(name)
        ? { name, file: null, precision: DERIVED_VARIANTS[name].precision, recipe: DERIVED_VARIANTS[name].recipe }
        : { name, file, precision: file ? await precisionOf(path.join(dir, file)) : null },
    ),
  );
  try {
    const encoder = await loadModel(dir, { executionProviders: ['cpu'], graphOptimizationLevel: 'disabled', intraOpThreads: 1 });
    const { inputs, outputs } = encoder.signature;
    inspection.graph = { file: path.relative(dir, folder.graphFile), bytes: (await stat(folder.graphFile)).size, precision: await precisionOf(folder.graphFile), inputs: values(inputs), outputs: values(outputs) };
    inspection.manifest = encoder.manifest;
    inspection.sources = encoder.inference.sources;
    inspection.notes = encoder.inference.notes;
    await encoder.dispose();
  } catch (err) {
    if (!(err instanceof XlirError)) throw err;
    // Load errors say what to change; any setting can be given in manifest.json.
    problems.push({ code: err.code, problem: err.message, fix: '' });
  }
  return inspection;
}
