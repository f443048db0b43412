import path from 'node:path';
import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { currentMachineLimits, type MachineLimits } from '../machine/machine-limits.ts';
import { openModelFolder } from '../models/model-folder.ts';
import { issueLines } from '../schema-issues.ts';
import { SweepConfigSchema } from '../sweep/sweep-config.ts';
import { runOptionIssues, sweepOptionIssues, type ModelSize, type OptionIssue, type RunLimits } from './option-bounds.ts';
import { RunConfigSchema, type RunConfig } from './run-config.ts';

/**
 * The run and sweep configuration schemas with every numeric option bounded by this machine and
 * these models (option-bounds.ts): what the CLI and the app API check a configuration with before
 * anything runs or is recorded. The bounds are checked on the input as given, so that `-1` or
 * `100000` gets the message that says the limit and why, before the schema's own checks.
 * (Stored and imported results keep the plain schemas: a run made elsewhere is not refused here.)
 */
function bounded<T extends z.ZodType>(schema: T, issues: (input: unknown) => OptionIssue[]) {
  return z
    .unknown()
    .superRefine((input, ctx) => {
      for (const issue of issues(input)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    })
    .pipe(schema);
}

export function boundedRunConfigSchema(limits: RunLimits) {
  return bounded(RunConfigSchema, (input) => runOptionIssues(input, limits));
}

export function boundedSweepConfigSchema(machine: MachineLimits, model: ModelSize) {
  return bounded(SweepConfigSchema, (input) => sweepOptionIssues(input, machine, model));
}

/**
 * A model's size for the memory estimate, from its folder (manifest, or what the folder's own files
 * say: config.json's hidden size before the output width); null where the folder is broken (loading
 * it says why) or does not tell its length and width before the graph is opened.
 */
export async function modelSize(dir: string): Promise<ModelSize | null> {
  try {
    const folder = await openModelFolder(dir);
    const maxLength = folder.known.maxLength?.value;
    const hidden = folder.configHiddenSize ?? folder.known.dimension?.value;
    if (maxLength === undefined || hidden === undefined) return null;
    return { name: folder.known.name?.value ?? path.basename(dir), maxLength, hidden };
  } catch {
    return null;
  }
}

export async function runLimitsFor(modelDirs: readonly string[], machine: MachineLimits = currentMachineLimits()): Promise<RunLimits> {
  const sizes = await Promise.all(modelDirs.map(modelSize));
  return { machine, models: sizes.filter((s): s is ModelSize => s !== null) };
}

/** An invalid configuration as one message: every issue as `path: message`. */
export function configError(error: z.ZodError, what: string): XlirError {
  return new XlirError('CONFIG_INVALID', `invalid ${what}: ${issueLines(error, '(configuration)').join('; ')}`);
}

/** `input` checked against this machine's bounds and the schema; XlirError CONFIG_INVALID otherwise. */
export async function parseBoundedRunConfig(input: unknown, modelDirs: readonly string[]): Promise<RunConfig> {
  const parsed = boundedRunConfigSchema(await runLimitsFor(modelDirs)).safeParse(input);
  if (!parsed.success) throw configError(parsed.error, 'run configuration');
  return parsed.data;
}
