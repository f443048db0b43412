import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TokenizedBatch } from '../models/encoder.ts';
import { loadModel, type LoadModelOptions } from '../models/load-model.ts';
import type { ModelCost } from './model-cost.ts';
import { summarizeProfile, type OperatorProfile } from './operator-profile.ts';

export interface ProfileOperatorsOptions {
  /** How the measured session was loaded (provider, threads, graph optimisation, variant). */
  load: Omit<LoadModelOptions, 'profileFilePrefix'>;
  /** The batches to profile, all of one batch size, run in order after the warm-up. */
  batches: readonly TokenizedBatch[];
  /** Runs of the first batch before the profiled ones, left out of the summary. */
  warmupRuns?: number;
  /** For the MatMul kernels' rate. */
  cost?: ModelCost;
  signal?: AbortSignal;
  /** Where the trace's temporary folder is made (default: the OS's). */
  tmpDir?: string;
}

/**
 * Per-operator times of `dir`'s model on `batches`, from a session of its own with ONNX
 * Runtime's profiler on — never the session whose latency is measured. The trace is written to a
 * temporary folder, summarised and removed.
 */
export async function profileOperators(dir: string, options: ProfileOperatorsOptions): Promise<OperatorProfile> {
  const { batches } = options;
  if (batches.length === 0) throw new RangeError('nothing to profile: no batches');
  const warmupRuns = options.warmupRuns ?? 3;
  const folder = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), 'xlir-ort-profile-'));
  try {
    const encoder = await loadModel(dir, { ...options.load, profileFilePrefix: path.join(folder, 'ort') });
    let profiled = 0;
    try {
      for (let i = 0; i < warmupRuns; i++) await encoder.run(batches[0]);
      for (const batch of batches) {
        if (options.signal?.aborted) break;
        await encoder.run(batch);
        profiled++;
      }
    } finally {
      encoder.endProfiling();
      await encoder.dispose();
    }
    const files = (await readdir(folder)).filter((f) => f.endsWith('.json'));
    if (files.length !== 1) throw new Error(`ONNX Runtime wrote ${files.length} profile files in ${folder}, expected one`);
    const trace: unknown = JSON.parse(await readFile(path.join(folder, files[0]), 'utf8'));
    const ran = batches.slice(0, profiled);
    const weightFlops = options.cost && ran.length > 0 ? ran.reduce((sum, b) => sum + options.cost!.flops(b.batchSize, b.sequenceLength).weights, 0) / ran.length : undefined;
    return summarizeProfile(trace, { batchSize: batches[0].batchSize, skipRuns: warmupRuns, ...(weightFlops !== undefined && { weightFlopsPerRun: weightFlops }) });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
