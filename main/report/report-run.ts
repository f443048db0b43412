import type { RunResult } from '../engine/run/run-result.ts';
import type { PlotSweep } from './roofline-plot.ts';

/** A finished run as reports and comparisons take it: the result and the machine it ran on. */
export interface ReportRun {
  result: RunResult;
  machine: { id: string; label: string };
  /** Sweeps of the run's models on the same machine, whose grids join its roofline plot. */
  sweeps?: readonly PlotSweep[];
}
