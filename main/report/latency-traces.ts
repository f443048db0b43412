import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';
import type { StageSummaries } from '../engine/latency/stage-breakdown.ts';
import type { ModelRun, RunResult } from '../engine/run/run-result.ts';

/**
 * One latency trace of a run, whatever the scenario: a model's per-query samples (single-stream,
 * server) or its batches at one offline batch size. Reports and comparisons iterate these.
 */
export type LatencyTrace = {
  model: ModelRun;
  position: number;
  scenario: ModelRun['latency']['scenario'];
  stages: StageSummaries | null;
  /** Queries per second: single-stream throughput, server completed rate, offline rate at this batch size. */
  throughputQps: number | null;
  cancelled: boolean;
} & ({ batchSize: null; samples: LatencySample[] } | { batchSize: number; samples: BatchSample[] });

export function latencyTraces(result: RunResult): LatencyTrace[] {
  return result.models.flatMap((model, position): LatencyTrace[] => {
    const l = model.latency;
    if (l.scenario === 'offline') {
      return l.runs.map((r) => ({ model, position, scenario: l.scenario, stages: r.stages, throughputQps: r.queriesPerSecond, cancelled: r.cancelled, batchSize: r.batchSize, samples: r.batches }));
    }
    const throughputQps = l.scenario === 'server' ? l.completedQps : l.throughputQps;
    return [{ model, position, scenario: l.scenario, stages: l.stages, throughputQps, cancelled: l.cancelled, batchSize: null, samples: l.samples }];
  });
}

/** "e5-small" or "e5-small, batch 8". */
export function traceName(trace: Pick<LatencyTrace, 'model' | 'batchSize'>): string {
  return trace.batchSize === null ? trace.model.name : `${trace.model.name}, batch ${trace.batchSize}`;
}
