import type { Clock } from './clock.ts';
import type { MeasuredBlock } from './interleaved.ts';
import type { LatencySample } from './latency-sample.ts';
import type { LiveSummary } from './running-summary.ts';
import type { StageSummaries } from './stage-breakdown.ts';
import type { WarmUpReport } from './warm-up.ts';

export type ScenarioKind = 'single-stream' | 'offline' | 'server';

/**
 * What every scenario takes. The names match `ScenarioConfigSchema` in `run/run-config.ts`, so
 * the orchestrator can spread a validated config into them.
 */
export interface ScenarioOptions<S> {
  clock: Clock;
  /** Seeds the query order (and the server's arrival schedule). */
  seed: number;
  /** Warm-up, never recorded: runs until BOTH this many queries and `warmupMs` are done. */
  warmupQueries: number;
  warmupMs?: number;
  /** LoadGen semantics: measurement stops once BOTH the count and the duration are reached. */
  minQueries: number;
  minDurationMs: number;
  /** Checked between queries; a cancelled scenario returns what it measured, marked cancelled. */
  signal?: AbortSignal;
  /** Receives samples in batches (see `EventCadence`), never one call per query. */
  onEvent?: (event: LatencyEvent<S>) => void;
  cadence?: Partial<EventCadence>;
}

/** An event goes out when either limit is reached, whichever comes first. */
export interface EventCadence {
  everyMs: number;
  everySamples: number;
}

export const DEFAULT_CADENCE: EventCadence = { everyMs: 250, everySamples: 500 };

export interface LatencyProgress {
  /** Queries done in the current phase (offline: in the current batch size). */
  done: number;
  /** Queries the phase is expected to need: the minimum count, or more if the minimum duration needs more. */
  target: number;
  elapsedMs: number;
  /** Null until a rate can be estimated. */
  etaMs: number | null;
}

/**
 * One event: the samples recorded since the previous event, progress, and exact running
 * statistics over every sample of the phase so far. Listeners run on the measuring thread,
 * between queries: they should hand the data on (postMessage, a store) rather than work on it.
 */
export interface LatencyEvent<S> {
  scenario: ScenarioKind;
  phase: 'warmup' | 'measure';
  /** Offline only: the batch size being measured. */
  batchSize?: number;
  samples: S[];
  progress: LatencyProgress;
  live: LiveSummary | null;
}

/** What single-stream and server runs have in common: one query at a time, a sample per query. */
export interface StreamResult {
  /** Stopped by the signal before the run length was reached; the samples are still valid. */
  cancelled: boolean;
  warmup: WarmUpReport;
  /** When measurement began, relative to the start of the scenario call. */
  measureStartMs: number;
  /** From the start of measurement to the last completion. */
  durationMs: number;
  samples: LatencySample[];
  /** Null when nothing was measured. */
  stages: StageSummaries | null;
  minQueriesMet: boolean;
  minDurationMet: boolean;
  /** Interleaved runs: where each round's block lies in `samples`. */
  blocks?: MeasuredBlock[];
}
