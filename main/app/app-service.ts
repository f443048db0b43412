import path from 'node:path';
import { ApiInputSchemas, isApiMethod, type ApiMethod, type ApiOutputs, type ApiParsedInput, type AppEvent, type FolderPurpose } from '../contract/app-api.ts';
import { dataCacheDir } from '../engine/datasets/data-dir.ts';
import { calibrationConfig } from '../engine/calibration/noise-floor.ts';
import { listDatasets } from '../engine/datasets/registry.ts';
import { XlirError } from '../engine/errors.ts';
import { currentMachineLimits } from '../engine/machine/machine-limits.ts';
import { captureMachineProfile } from '../engine/machine/machine-profile.ts';
import { detectProviders } from '../engine/models/execution-providers.ts';
import { bundledModelsDir, userModelsDir } from '../engine/models/model-locations.ts';
import { REPLICAS, type ReplicaSpec } from '../engine/replicas/replica-catalog.ts';
import type { ReplicaTokenizerOptions } from '../engine/replicas/replica-tokenizer.ts';
import { parseBoundedRunConfig } from '../engine/run/bounded-config.ts';
import type { RunConfig } from '../engine/run/run-config.ts';
import { parseReportText } from '../report/import-report.ts';
import { compareStoredRuns } from '../report/compare-stored-runs.ts';
import { loadCalibration } from '../store/calibration-file.ts';
import { withHistory } from '../store/history-access.ts';
import { HISTORY_FILE_NAME, historyDatabasePath, xlirHomeDir } from '../store/history-path.ts';
import { importRuns } from '../store/import-runs.ts';
import { listMachines, setMachineLabel } from '../store/machines.ts';
import type { HistoryDb } from '../store/open-history.ts';
import { listRuns, loadRun, resolveRunRef } from '../store/run-queries.ts';
import { deleteRun } from '../store/runs.ts';
import { listSweeps } from '../store/sweeps.ts';
import { describeZodIssues } from './api-error.ts';
import { checkModelFolder, listAppModels, resolveRunModels } from './app-models.ts';
import { replicaGeneration } from './app-replicas.ts';
import { exportReport } from './export-report.ts';
import { folderAccess } from './folder-access.ts';
import { preferencesFile } from './preferences.ts';
import { createRunSession } from './run-session.ts';

export interface AppServiceOptions {
  /** The run history (default: `history.sqlite` in `homeDir`, else the user's history). */
  historyFile?: string;
  /** Where preferences.json lives (default: XLIR_HOME or the platform's application-data folder). */
  homeDir?: string;
  /** The data folder for runs whose configuration names none (`xlir serve --data-dir`). */
  dataDir?: string;
  /** Problems that do not fail a call (a damaged preferences file); default: standard error. */
  warn?: (message: string) => void;
  /**
   * The desktop app: folders a page names must be ones the user picked or configured, for reading
   * too (folder-access.ts). Writing is confined either way.
   */
  confineFolders?: boolean;
  /** A native folder dialog (the desktop app's); null when the user cancels. Without it, pickFolder is not available. */
  pickFolder?: (purpose: FolderPurpose) => Promise<string | null>;
  /** The replicas the app can generate (default: the catalogue) and their tokenizer; tests give tiny ones and a local tokenizer. */
  replicas?: { catalogue?: readonly ReplicaSpec[]; tokenizer?: ReplicaTokenizerOptions };
}

export interface AppService {
  /** Validates `input` with ApiInputSchemas[method] and runs it; throws XlirError (code, message). */
  call(method: string, input: unknown): Promise<unknown>;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Cancels a run in progress, waits for it to be stored, closes the history. */
  close(): Promise<void>;
}

type Handlers = { [M in ApiMethod]: (input: ApiParsedInput<M>) => Promise<ApiOutputs[M]> };

/**
 * The app behind the contract (main/contract/app-api.ts), for the Electron main process and
 * `xlir serve` alike: every call's input is parsed here, whatever carried it. The history is
 * opened per call, as the CLI does: other processes (an `xlir run` in a terminal) share it.
 */
export function createAppService(options: AppServiceOptions = {}): AppService {
  const homeDir = path.resolve(options.homeDir ?? xlirHomeDir());
  const historyFile = path.resolve(options.historyFile ?? (options.homeDir !== undefined ? path.join(homeDir, HISTORY_FILE_NAME) : historyDatabasePath()));
  const warn = options.warn ?? ((message: string) => process.stderr.write(`warning: ${message}\n`));
  const preferences = preferencesFile(homeDir, warn);
  const folders = folderAccess({
    homeDir,
    confineReads: options.confineFolders === true,
    warn,
    configured: () => [bundledModelsDir(), userModelsDir(), dataCacheDir(), ...[options.dataDir, process.env.XLIR_DATA_DIR].filter((d): d is string => d !== undefined && d !== ''), ...preferences.load().modelFolders],
  });
  /** The folders a run's configuration names, each checked before anything runs. */
  const checkRunFolders = (config: RunConfig, models: readonly string[]) => {
    for (const dir of models) folders.check(dir, 'Model folder', 'read');
    if (config.dataset.dataDir !== undefined) folders.check(config.dataset.dataDir, 'Data folder', 'read');
    if (config.dataset.path !== undefined) folders.check(config.dataset.path, 'Dataset folder', 'read');
    if (config.saveEmbeddingsDir !== undefined) folders.check(config.saveEmbeddingsDir, 'Embeddings folder', 'write');
  };
  const session = createRunSession({ historyFile, home: homeDir, warn });
  const replicas = replicaGeneration({
    catalogue: options.replicas?.catalogue ?? REPLICAS,
    ...(options.replicas?.tokenizer && { tokenizer: options.replicas.tokenizer }),
    emit: (event) => session.announce(event),
    runInProgress: () => session.busy(),
  });
  const withDb = <T>(fn: (db: HistoryDb) => T, verify = false) => withHistory(({ db }) => fn(db), { file: historyFile, verify });

  /**
   * A configuration from the UI ready to run: its models resolved, its folders checked, the server's
   * data folder filled in, and every number within what this machine can do (before anything runs
   * or is recorded).
   */
  const refuseDuringGeneration = () => {
    const generating = replicas.inProgress();
    if (generating !== undefined) throw new XlirError('REPLICA_IN_PROGRESS', `${generating} is being generated: a run started now would measure the disk and CPU that takes. Start it once the replica is ready.`);
  };
  const runnable = async (given: RunConfig): Promise<RunConfig> => {
    refuseDuringGeneration();
    const models = resolveRunModels(given.models, preferences.load().modelFolders);
    checkRunFolders(given, models);
    const config = await parseBoundedRunConfig({ ...given, models, dataset: { ...given.dataset, dataDir: given.dataset.dataDir ?? options.dataDir } }, models);
    // Again after the await, when a generation may have begun: from here to session.start nothing
    // else runs, so a run and a generation never both go ahead (generation checks session.busy()).
    refuseDuringGeneration();
    return config;
  };

  const handlers: Handlers = {
    doctor: async () => {
      const [machine, providers] = await Promise.all([captureMachineProfile(), detectProviders()]);
      return { machine, providers, limits: currentMachineLimits() };
    },
    listModels: () => listAppModels(preferences.load().modelFolders),
    listReplicas: async () => replicas.list(),
    generateReplica: ({ name }) => replicas.generate(name),
    addModelFolder: async ({ path: folder }) => {
      folders.check(folder, 'Model folder', 'read');
      const dir = await checkModelFolder(folder);
      const current = preferences.load();
      const saved = preferences.save({ ...current, modelFolders: current.modelFolders.includes(dir) ? current.modelFolders : [...current.modelFolders, dir] });
      return { preferences: saved, models: await listAppModels(saved.modelFolders) };
    },
    listDatasets: async ({ dataDir }) => {
      if (dataDir !== undefined) folders.check(dataDir, 'Data folder', 'read');
      return listDatasets({ dataDir: dataDir ?? options.dataDir });
    },
    pickFolder: async ({ purpose }) => {
      if (!options.pickFolder) throw new XlirError('NOT_AVAILABLE', 'Choosing a folder in a dialog needs the desktop app: in the browser, type the folder\'s path.');
      const picked = await options.pickFolder(purpose);
      if (picked !== null) folders.grant(picked);
      return { path: picked };
    },
    getPreferences: async () => preferences.load(),
    savePreferences: async (input) => {
      // A page cannot grant itself folders by saving them as model folders.
      const known = new Set(preferences.load().modelFolders);
      for (const dir of input.modelFolders.filter((d) => !known.has(d))) folders.check(dir, 'Model folder', 'read');
      return preferences.save(input);
    },
    startRun: async ({ config }) => session.start(await runnable(config)),
    startCalibration: async ({ config }) => session.start(await runnable(calibrationConfig(config)), 'calibrate'),
    getCalibration: async () => loadCalibration(homeDir, warn),
    cancelRun: async ({ runId }) => session.cancel(runId),
    activeRun: async () => session.active(),
    listRuns: (filter) => withDb((db) => listRuns(db, filter)),
    getRun: ({ ref }) => withDb((db) => loadRun(db, resolveRunRef(db, ref))),
    deleteRun: ({ ref }) =>
      withDb((db) => {
        const id = resolveRunRef(db, ref);
        deleteRun(db, id);
        return { deleted: id };
      }),
    listSweeps: ({ machine, models, limit }) => withDb((db) => listSweeps(db, { ...(machine !== undefined && { machineId: machine }), ...(models !== undefined && { models }), ...(limit !== undefined && { limit }) })),
    listMachines: () => withDb((db) => listMachines(db)),
    labelMachine: ({ ref, label }) => withDb((db) => setMachineLabel(db, ref, label)),
    compareRuns: ({ refs, resamples }) => withDb((db) => compareStoredRuns(db, refs.map((ref) => ({ ref })), { resamples })),
    exportReport: ({ refs, format, redact }) => exportReport(withDb, refs, format, redact),
    importReport: async ({ fileName, text }) => {
      // Validated whole before anything is written: a bad report imports nothing.
      const runs = parseReportText(text, fileName);
      return withDb((db) => importRuns(db, runs), true);
    },
  };

  return {
    async call(method, input) {
      if (!isApiMethod(method)) throw new XlirError('UNKNOWN_METHOD', `There is no call "${String(method).slice(0, 64)}": the calls are ${Object.keys(ApiInputSchemas).join(', ')}.`);
      const parsed = ApiInputSchemas[method].safeParse(input ?? {});
      if (!parsed.success) throw new XlirError('INVALID_INPUT', `Invalid input to ${method}: ${describeZodIssues(parsed.error)}.`);
      const handler = handlers[method] as (input: unknown) => Promise<unknown>;
      return handler(parsed.data);
    },
    onEvent: (listener) => session.onEvent(listener),
    close: () => session.close(),
  };
}
