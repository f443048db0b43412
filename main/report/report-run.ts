import type { RunResult } from '../engine/run/run-result.ts';

/** A finished run as reports and comparisons take it: the result and the machine it ran on. */
export interface ReportRun {
  result: RunResult;
  machine: { id: string; label: string };
}
