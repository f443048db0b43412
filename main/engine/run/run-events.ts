import type { BatchSample, LatencySample } from '../latency/latency-sample.ts';
import type { LiveSummary } from '../latency/running-summary.ts';
import type { LatencyProgress, ScenarioKind } from '../latency/scenario.ts';
import type { QualityResult } from '../metrics/quality-result.ts';

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
  | 'profile'
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
  /**
   * A model's retrieval quality (or, with `lexicalFloor`, the TF-IDF floor's), sent as soon as it
   * is measured: the history keeps it even if the run is killed before it ends.
   */
  | { type: 'quality-done'; model: string; lexicalFloor?: true; quality: QualityResult }
  | { type: 'warning'; message: string; model?: string }
  | { type: 'model-done'; model: string };
