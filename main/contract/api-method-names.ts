import type { ApiMethod } from './app-api.ts';

/**
 * Every method of the contract as a value that loads no schema code: the Electron preload (and
 * any browser-side client) can enumerate the calls without bundling zod or the engine.
 * `satisfies` makes the compiler insist the list matches ApiInputSchemas exactly.
 */
const METHODS = {
  doctor: true,
  listModels: true,
  listReplicas: true,
  generateReplica: true,
  addModelFolder: true,
  listDatasets: true,
  pickFolder: true,
  getPreferences: true,
  savePreferences: true,
  startRun: true,
  startCalibration: true,
  getCalibration: true,
  cancelRun: true,
  activeRun: true,
  listRuns: true,
  getRun: true,
  deleteRun: true,
  listSweeps: true,
  listMachines: true,
  labelMachine: true,
  compareRuns: true,
  exportReport: true,
  importReport: true,
} as const satisfies Record<ApiMethod, true>;

export const API_METHOD_NAMES = Object.keys(METHODS) as ApiMethod[];
