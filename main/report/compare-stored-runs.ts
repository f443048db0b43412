import { XlirError } from '../engine/errors.ts';
import { loadReportRuns } from '../store/history-access.ts';
import type { HistoryDb } from '../store/open-history.ts';
import { compareRuns, type RunsComparison } from './compare-runs.ts';

/** A run to compare, as typed by the user: a run ref, and optionally one of its models. */
export interface StoredRunSelection {
  ref: string;
  model?: string;
}

/** Finished runs of the history side by side (`xlir compare`, the app's compare view). */
export function compareStoredRuns(db: HistoryDb, selections: readonly StoredRunSelection[], options: { resamples?: number } = {}): RunsComparison {
  const runs = loadReportRuns(db, selections.map((s) => s.ref), 'compare');
  try {
    return compareRuns(
      runs.map((r, i) => ({ result: r.result, machine: r.machine, ...(selections[i].model !== undefined && { model: selections[i].model }) })),
      options.resamples === undefined ? {} : { resamples: options.resamples },
    );
  } catch (err) {
    // compareRuns says RangeError for selections that cannot be compared (a model the run lacks).
    if (err instanceof RangeError) throw new XlirError('COMPARE_INVALID', err.message);
    throw err;
  }
}
