import type { BatchSample, LatencySample } from '../engine/latency/latency-sample.ts';
import type { RunResult } from '../engine/run/run-result.ts';

/**
 * One trace of a run: a model's per-query samples (`batchSize` 0: single-stream, server) or its
 * batches at one offline batch size. The history keeps traces apart from the rest of the result,
 * which is small: listing and showing never parse a hundred thousand samples as JSON.
 */
export type SampleSeries =
  | { position: number; batchSize: 0; kind: 'query'; samples: LatencySample[] }
  | { position: number; batchSize: number; kind: 'batch'; samples: BatchSample[] };

/** The result with every trace emptied, and the traces. */
export function splitResultSamples(result: RunResult): { skeleton: RunResult; series: SampleSeries[] } {
  const series: SampleSeries[] = [];
  const models = result.models.map((model, position) => {
    const latency = model.latency;
    if (latency.scenario === 'offline') {
      for (const run of latency.runs) series.push({ position, batchSize: run.batchSize, kind: 'batch', samples: run.batches });
      return { ...model, latency: { ...latency, runs: latency.runs.map((run) => ({ ...run, batches: [] })) } };
    }
    series.push({ position, batchSize: 0, kind: 'query', samples: latency.samples });
    return { ...model, latency: { ...latency, samples: [] } };
  });
  return { skeleton: { ...result, models }, series };
}

/** The inverse of `splitResultSamples`: each emptied trace refilled by `load`. */
export function joinResultSamples(
  skeleton: RunResult,
  load: { query(position: number): LatencySample[]; batch(position: number, batchSize: number): BatchSample[] },
): RunResult {
  const models = skeleton.models.map((model, position) => {
    const latency = model.latency;
    if (latency.scenario === 'offline') {
      return { ...model, latency: { ...latency, runs: latency.runs.map((run) => ({ ...run, batches: load.batch(position, run.batchSize) })) } };
    }
    return { ...model, latency: { ...latency, samples: load.query(position) } };
  });
  return { ...skeleton, models };
}
