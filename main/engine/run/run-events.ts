import type { BatchSample, LatencySample } from '../latency/latency-sample.ts';
import type { LiveSummary } from '../latency/running-summary.ts';
import type { LatencyProgress, ScenarioKind } from '../latency/scenario.ts';

export type RunPhase =
  | 'machine'
  | 'dataset'
  | 'lexical-floor'
  | 'load-model'
  | 'encode-candidates'
  | 'encode-queries'
  | 'quality'
  | 'saved-embeddings'
  | 'peak'
  | 'latency'
  | 'compare';

/**
 * What a running benchmark tells its consumers (CLI progress bar, desktop live view), in order.
 * Latency samples come in batches at a steady cadence, never one event per query.
 */
export type RunEvent =
  | { type: 'phase'; phase: RunPhase; model?: string; detail?: string }
  | { type: 'progress'; phase: RunPhase; model: string; done: number; total: number }
  | {
      type: 'latency';
      model: string;
      scenario: ScenarioKind;
      phase: 'warmup' | 'measure';
      batchSize?: number;
      samples: (LatencySample | BatchSample)[];
      progress: LatencyProgress;
      live: LiveSummary | null;
    }
  | { type: 'warning'; message: string; model?: string }
  | { type: 'model-done'; model: string };
