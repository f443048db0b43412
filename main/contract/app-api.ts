import { z } from 'zod';
import type { CalibrationRecord } from '../engine/calibration/noise-floor.ts';
import type { MachineLimits } from '../engine/machine/machine-limits.ts';
import type { MachineProfile } from '../engine/machine/machine-profile.ts';
import type { ModelListing } from '../engine/models/discover.ts';
import type { ProviderReport } from '../engine/models/execution-providers.ts';
import type { DatasetInfo } from '../engine/datasets/registry.ts';
import { RunConfigSchema, type RunConfig } from '../engine/run/run-config.ts';
import type { ReplicaStatus } from '../engine/replicas/replica-status.ts';
import type { RunEvent } from '../engine/run/run-events.ts';
import type { RunsComparison } from '../report/compare-runs.ts';
import { REPORT_MAX_BYTES } from '../report/import-report.ts';
import type { ImportOutcome } from '../store/import-runs.ts';
import { MachineLabelSchema } from '../store/machine-identity.ts';
import type { MachineListing } from '../store/machines.ts';
import type { RunListing, StoredRun } from '../store/run-queries.ts';
import type { StoredSweep } from '../store/sweeps.ts';

/**
 * The one contract between the UI and the app: the Electron preload (IPC) and `xlir serve` (HTTP)
 * both carry exactly these calls and events. Every input is parsed with its schema where it
 * arrives in the main process or the server; the renderer imports types only (`import type`), so
 * none of the engine's Node code reaches the browser bundle.
 */

const PathSchema = z.string().min(1).max(4096);
/** A run id, or an unambiguous prefix of one (as `xlir show` takes it). */
const RunRefSchema = z.string().trim().min(4).max(64).regex(/^[0-9a-zA-Z-]+$/, 'a run id has letters, digits and dashes only');
const Empty = z.object({}).strict();

/** What a folder is picked for: the dialog's title says it. */
export const FOLDER_PURPOSES = ['model-folder', 'data-folder', 'dataset-folder', 'embeddings-folder'] as const;
export type FolderPurpose = (typeof FOLDER_PURPOSES)[number];

export const REPORT_FORMATS = ['html', 'json', 'csv', 'md', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What the UI remembers between starts (kept in XLIR_HOME/preferences.json by the main process). */
export const PreferencesSchema = z
  .object({
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    /** The last run configured in the form, as the user left it. */
    lastRun: RunConfigSchema.optional(),
    /** Model folders the user added beyond the bundled and replica folders. */
    modelFolders: z.array(PathSchema).max(100).default([]),
  })
  .strict();
export type Preferences = z.infer<typeof PreferencesSchema>;

export const ApiInputSchemas = {
  /** Machine profile and which execution providers can run here. */
  doctor: Empty,
  /** Bundled models, replicas and the user's folders, broken ones with their error. */
  listModels: Empty,
  /** Checks a folder holds a model (or models) and remembers it in the preferences. */
  addModelFolder: z.object({ path: PathSchema }).strict(),
  /** The latency replicas of real encoders (XLM-R, LaBSE, …): which are generated, and each one's size. */
  listReplicas: Empty,
  /**
   * Generates a latency replica into the models folder (in Node, nothing downloaded but the real
   * tokenizer where reachable), with `replica-progress` events; refused while a run is in progress,
   * whose timings it would disturb. A replica generated already is returned as it is.
   */
  generateReplica: z.object({ name: z.string().trim().min(1).max(200) }).strict(),
  listDatasets: z.object({ dataDir: PathSchema.optional() }).strict(),
  /**
   * The desktop app's native folder dialog; the folder picked may then be named in any call
   * (main/app/folder-access.ts). `path` is null when the user cancels. Not in the browser.
   */
  pickFolder: z.object({ purpose: z.enum(FOLDER_PURPOSES) }).strict(),
  getPreferences: Empty,
  savePreferences: PreferencesSchema,
  /** Starts a benchmark; fails if one is running (one at a time: runs would disturb each other's timings). */
  startRun: z.object({ config: RunConfigSchema }).strict(),
  /**
   * Starts the A/A self-test of the configuration's first model: measured as two systems, latency
   * only; its noise floor becomes this machine's calibration (what `xlir calibrate` does).
   */
  startCalibration: z.object({ config: RunConfigSchema }).strict(),
  /** This machine's saved calibration (noise floor), or null. */
  getCalibration: Empty,
  cancelRun: z.object({ runId: z.string().min(1).max(64) }).strict(),
  /** The run in progress, if any, with the events so far (a window opened mid-run catches up). */
  activeRun: Empty,
  listRuns: z
    .object({
      machine: z.string().max(200).optional(),
      model: z.string().max(200).optional(),
      dataset: z.string().max(100).optional(),
      limit: z.number().int().positive().max(10_000).optional(),
    })
    .strict(),
  getRun: z.object({ ref: RunRefSchema }).strict(),
  /** Removes a finished, failed or incomplete run and its samples; a running run cannot be deleted. */
  deleteRun: z.object({ ref: RunRefSchema }).strict(),
  /** Sweeps kept in the history (`xlir sweep`), newest first: of one machine, of some models. */
  listSweeps: z
    .object({
      machine: z.string().regex(/^[0-9a-f]{16}$/, 'a machine id is 16 hex digits').optional(),
      models: z.array(z.string().min(1).max(200)).max(64).optional(),
      limit: z.number().int().positive().max(1_000).optional(),
    })
    .strict(),
  listMachines: Empty,
  labelMachine: z.object({ ref: z.string().trim().min(1).max(200), label: MachineLabelSchema }).strict(),
  compareRuns: z.object({ refs: z.array(RunRefSchema).min(1).max(8), resamples: z.number().int().min(100).max(100_000).optional() }).strict(),
  /** `redact`: for sharing, without the host name, absolute paths and the user's name. */
  exportReport: z.object({ refs: z.array(RunRefSchema).min(1).max(8), format: z.enum(REPORT_FORMATS), redact: z.boolean().optional() }).strict(),
  importReport: z.object({ fileName: z.string().min(1).max(255), text: z.string().max(REPORT_MAX_BYTES) }).strict(),
} as const;

export type ApiMethod = keyof typeof ApiInputSchemas;
export type ApiInput<M extends ApiMethod> = z.input<(typeof ApiInputSchemas)[M]>;
export type ApiParsedInput<M extends ApiMethod> = z.infer<(typeof ApiInputSchemas)[M]>;

export type ModelSource = 'bundled' | 'replica' | 'user';
export type AppModelListing = ModelListing & { source: ModelSource };

export interface ActiveRun {
  runId: string;
  config: RunConfig;
  startedAt: string;
  /** Everything the run has emitted so far, in order. */
  events: RunEvent[];
}

export interface ExportedReport {
  /** Suggested file name, e.g. `xlir-1a2b3c4d.html`. */
  fileName: string;
  mimeType: string;
  /** `utf8` text for html/json/csv/md; `base64` for pdf. */
  encoding: 'utf8' | 'base64';
  content: string;
}

export interface ApiOutputs {
  /** `limits`: what bounds a run's options here (run/option-bounds.ts); the run form checks with them. */
  doctor: { machine: MachineProfile; providers: ProviderReport; limits: MachineLimits };
  listModels: AppModelListing[];
  listReplicas: ReplicaStatus[];
  /** `seconds` and `note` (why the tokenizer is a stand-in) are absent when it was generated already. */
  generateReplica: { dir: string; seconds?: number; note?: string };
  addModelFolder: { preferences: Preferences; models: AppModelListing[] };
  listDatasets: DatasetInfo[];
  pickFolder: { path: string | null };
  getPreferences: Preferences;
  savePreferences: Preferences;
  startRun: { runId: string };
  startCalibration: { runId: string };
  getCalibration: CalibrationRecord | null;
  cancelRun: { cancelled: boolean };
  activeRun: ActiveRun | null;
  listRuns: RunListing[];
  getRun: StoredRun;
  deleteRun: { deleted: string };
  listSweeps: StoredSweep[];
  listMachines: MachineListing[];
  labelMachine: { id: string; label: string };
  compareRuns: RunsComparison;
  exportReport: ExportedReport;
  importReport: ImportOutcome[];
}

/** Pushed from the app to every open window (IPC) or event stream (HTTP). */
export type AppEvent =
  | { type: 'run-started'; runId: string; config: RunConfig; startedAt: string }
  | { type: 'run-event'; runId: string; event: RunEvent }
  | { type: 'run-finished'; runId: string; status: 'completed' | 'cancelled' }
  | { type: 'run-failed'; runId: string; code?: string; message: string }
  | { type: 'replica-progress'; name: string; phase: 'weights' | 'tokens'; done: number; total: number };

/** How a failed call comes back over either transport. */
export interface ApiErrorBody {
  error: { code: string; message: string };
}

/** What the renderer talks to: `window.xlir` in Electron, an HTTP client in web mode. */
export type XlirApi = {
  [M in ApiMethod]: (input: ApiInput<M>) => Promise<ApiOutputs[M]>;
} & {
  /** Subscribes to app events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
};

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(ApiInputSchemas, name);
}
