import type { LatencyProgress } from '../../../main/engine/latency/scenario.ts';
import type { ScenarioConfig } from '../../../main/engine/run/run-config.ts';

/**
 * How far one model's latency phase has come. Events report progress per block (one interleaved
 * single-stream block, one offline batch size), so the blocks are counted here: a block starts
 * with the first measured event after a warm-up, after another model's events, at a new batch
 * size, or when the count starts again.
 */
export interface ModelLatencyProgress {
  /** Blocks this model is measured in. */
  blocks: number;
  /** Blocks begun so far (the current one included). */
  started: number;
  measuring: boolean;
  batchSize: number | undefined;
  done: number;
  target: number;
}

/** Blocks per model: with several models every scenario interleaves `rounds` blocks (offline: per batch size). */
export function blocksPerModel(scenario: ScenarioConfig, modelCount: number): number {
  const rounds = modelCount > 1 ? scenario.rounds : 1;
  return scenario.kind === 'offline' ? scenario.batchSizes.length * rounds : rounds;
}

export function startProgress(blocks: number): ModelLatencyProgress {
  return { blocks, started: 0, measuring: false, batchSize: undefined, done: 0, target: 0 };
}

export function advanceProgress(
  p: ModelLatencyProgress,
  event: { phase: 'warmup' | 'measure'; batchSize?: number; progress: LatencyProgress },
  afterOtherModel: boolean,
): ModelLatencyProgress {
  if (event.phase === 'warmup') return { ...p, measuring: false };
  const newBlock = !p.measuring || afterOtherModel || event.batchSize !== p.batchSize || event.progress.done < p.done;
  return {
    ...p,
    started: newBlock ? p.started + 1 : p.started,
    measuring: true,
    batchSize: event.batchSize,
    done: event.progress.done,
    target: event.progress.target,
  };
}

/** Share of the model's latency phase done, 0–1. */
export function progressFraction(p: ModelLatencyProgress): number {
  if (p.started === 0) return 0;
  const inBlock = p.target > 0 ? Math.min(1, p.done / p.target) : 0;
  return Math.min(1, (Math.min(p.started, p.blocks) - 1 + inBlock) / p.blocks);
}

/** Time left at the rate so far: null until something is done. */
export function remainingMs(fraction: number, elapsedMs: number): number | null {
  if (!(fraction > 0) || elapsedMs <= 0) return null;
  return fraction >= 1 ? 0 : (elapsedMs * (1 - fraction)) / fraction;
}

/** "1 min 05 s", "12 s", "<1 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return '<1 s';
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
