import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { createSession, ExecutionProviderSchema } from './execution-providers.ts';
import { manifestGraphProblems } from './manifest-vs-graph.ts';
import { MODEL_FOLDER_FILES, modelFilePath, readManifest, requireFile } from './model-folder.ts';
import { OnnxEncoder } from './onnx-encoder.ts';
import { loadTokenizer } from './tokenizer.ts';
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
    /** A key of the manifest's `variants` (e.g. `int8`); `model.onnx` when absent. */
    variant: z.string().min(1).optional(),
  })
  .strict();

export type LoadModelOptions = z.input<typeof LoadModelOptionsSchema> & {
  /** Told about anything that changes what is measured without failing, e.g. a CPU fallback. */
  onWarning?: (message: string) => void;
};

/**
 * Turns a model folder (manifest.json, model.onnx, tokenizer.json) into an encoder. Cheap checks
 * come first (manifest, files, tokenizer), then the session, then the manifest against the graph,
 * so a broken folder fails with an error naming the file and what is wrong before anything runs.
 */
export async function loadModel(dir: string, options: LoadModelOptions = {}): Promise<OnnxEncoder> {
  const { onWarning, ...rest } = options;
  const parsed = LoadModelOptionsSchema.safeParse(rest);
  if (!parsed.success) {
    const fields = issueLines(parsed.error, '(options)');
    throw new XlirError('INVALID_OPTION', `Invalid model loading options: ${fields.join('; ')}`);
  }
  const { executionProviders, variant, ...settings } = parsed.data;

  const manifest = await readManifest(dir);
  const modelFile = modelFilePath(dir, manifest, variant);
  requireFile(modelFile, variant === undefined ? 'the ONNX graph model.onnx' : `the file of variant "${variant}"`);
  requireFile(path.join(dir, MODEL_FOLDER_FILES.tokenizer), 'tokenizer.json');
  const tokenizer = await loadTokenizer(dir, manifest);

  const { session, provider, fallbackReason } = await createSession(modelFile, executionProviders, settings, onWarning);
  const problems = manifestGraphProblems(manifest, session);
  if (problems.length > 0) {
    await session.release();
    throw new XlirError(
      'MANIFEST_MISMATCH',
      `${path.join(dir, MODEL_FOLDER_FILES.manifest)} does not match ${modelFile}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }
  return new OnnxEncoder({ dir, manifest, session, tokenizer, provider, ...(fallbackReason !== undefined ? { fallbackReason } : {}) });
}
