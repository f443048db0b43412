import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { createSession, ExecutionProviderSchema } from './execution-providers.ts';
import { loadDenseLayers } from './dense-layers.ts';
import { completeManifest } from './graph-inference.ts';
import { manifestGraphProblems } from './manifest-vs-graph.ts';
import { MODEL_FOLDER_FILES, openModelFolder } from './model-folder.ts';
import { OnnxEncoder } from './onnx-encoder.ts';
import { loadTokenizer } from './tokenizer.ts';
import { graphFileFor } from './variant-file.ts';
import { issueLines } from '../schema-issues.ts';

export const LoadModelOptionsSchema = z
  .object({
    /** Providers in order of preference; a later one is used only when an earlier one cannot start. */
    executionProviders: z
      .array(ExecutionProviderSchema)
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'lists a provider twice')
      .default(['cpu']),
    /** ONNX Runtime's threads within one operator; its default (one per core) when absent. */
    intraOpThreads: z.number().int().positive().optional(),
    /** Threads across independent operators. */
    interOpThreads: z.number().int().positive().optional(),
    graphOptimizationLevel: z.enum(['disabled', 'basic', 'extended', 'all']).optional(),
    /** Intra-op threads busy-wait between operators (ONNX Runtime's default) or sleep at once. */
    allowSpinning: z.boolean().optional(),
    /** A variant of the folder (`quantized`, `fp16` …) or one XLIR Bench derives (`int8`, `fp16`); the graph itself when absent. */
    variant: z.string().min(1).optional(),
    /** Profiles every run (ONNX Runtime's profiler, written by `endProfiling`): for a session that is never timed. */
    profileFilePrefix: z.string().min(1).optional(),
  })
  .strict();

export type LoadModelOptions = z.input<typeof LoadModelOptionsSchema> & {
  /** Told about anything that changes what is measured without failing, e.g. a CPU fallback. */
  onWarning?: (message: string) => void;
};

/**
 * Turns a model folder into an encoder: XLIR Bench's own (manifest.json, model.onnx,
 * tokenizer.json), or an Optimum, transformers.js or sentence-transformers export, whose settings
 * are inferred from its files (`model-folder.ts`) and then from the graph (`graph-inference.ts`).
 * Cheap checks come first (the folder's files), then the session, then the settings against the
 * graph, so a broken folder fails with an error naming the file and what is wrong before anything runs.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<OnnxEncoder> {
  const { onWarning, ...rest } = options;
  const parsed = LoadModelOptionsSchema.safeParse(rest);
  if (!parsed.success) {
    const fields = issueLines(parsed.error, '(options)');
    throw new XlirError('INVALID_OPTION', `Invalid model loading options: ${fields.join('; ')}`);
  }
  const { executionProviders, variant, ...settings } = parsed.data;

  const folder = await openModelFolder(dir);
  const graph = await graphFileFor(folder, variant);
  const { session, provider, fallbackReason } = await createSession(graph.file, executionProviders, settings, onWarning);
  try {
    const { manifest, sources, notes } = completeManifest(folder, session);
    const problems = manifestGraphProblems(manifest, session);
    if (problems.length > 0) {
      const settingsFrom = folder.manifestFile ? path.join(dir, MODEL_FOLDER_FILES.manifest) : `The settings inferred from ${dir}`;
      throw new XlirError('MANIFEST_MISMATCH', `${settingsFrom} does not match ${graph.file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    const dense = manifest.dense ? await loadDenseLayers(dir, manifest.dense) : [];
    const tokenizer = await loadTokenizer(dir, manifest);
    return new OnnxEncoder({ dir, manifest, session, tokenizer, provider, graph, dense, inference: { sources, notes }, ...(fallbackReason !== undefined ? { fallbackReason } : {}) });
  } catch (err) {
    await session.release();
    throw err;
  }
}
