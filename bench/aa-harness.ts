// The measuring harness of the A/A and A/B benches (bench/aa.ts, bench/aa-bias.ts): two systems
// measured single-stream in interleaved rounds exactly as `xlir run` measures them, each trial
// judged by the new method (an interval across paired rounds) and the old one (a bootstrap of
// queries as independent samples), with the machine watched by the measurement-quality monitor.
// A system lives in this process (its own ORT session) or in a child process of its own.
import { fork, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { loadDataset } from '../main/engine/datasets/registry.ts';
import type { RetrievalDataset } from '../main/engine/datasets/retrieval-dataset.ts';
import { createSystemClock, type Clock } from '../main/engine/latency/clock.ts';
import { compareLatency, type LatencyComparison } from '../main/engine/latency/compare.ts';
import { blockOptions, concatBlocks, interleave, type Measurement } from '../main/engine/latency/interleaved.ts';
import type { LatencySample } from '../main/engine/latency/latency-sample.ts';
import { compareRounds } from '../main/engine/latency/paired-rounds.ts';
import type { ScenarioOptions } from '../main/engine/latency/scenario.ts';
import { runSingleStream } from '../main/engine/latency/single-stream.ts';
import type { MeasurementQuality } from '../main/engine/measurement-quality/measurement-quality.ts';
import { startMeasurementMonitor } from '../main/engine/measurement-quality/monitor.ts';
import { systemProbes } from '../main/engine/measurement-quality/probes.ts';
import { encodeTexts } from '../main/engine/models/encode-texts.ts';
import { loadModel, type LoadModelOptions } from '../main/engine/models/load-model.ts';
import type { OnnxEncoder } from '../main/engine/models/onnx-encoder.ts';
import { CandidateIndex } from '../main/engine/retrieval/exact-search.ts';
import { RetrievalQueryProcessor } from '../main/engine/run/retrieval-processor.ts';

export type SessionOptions = Pick<LoadModelOptions, 'intraOpThreads' | 'allowSpinning'>;

/**
 * The workload: XQuAD-R en+de, 100 questions, the full candidate pool of the two languages,
 * embedded by `baseline` (the bench's model, aa-models.ts's aaBaseline).
 */
export async function benchWorkload(dataDir: string, baseline: string): Promise<{ dataset: RetrievalDataset; candidates: Float32Array; dimension: number; meanQueryTokens: number }> {
  const { dataset } = await loadDataset({ name: 'xquad-r', dataDir, langs: ['en', 'de'], maxQueries: 100, seed: 1 });
  // Every copy of the baseline (aa-models.ts) embeds passages alike: encode the pool once.
  const encoder = await loadModel(baseline);
  const candidates = await encodeTexts(encoder, dataset.candidates.map((c) => c.text), 'passage', 32);
  const tokens = dataset.queries.reduce((sum, q) => sum + encoder.tokenize([q.text], 'query').sequenceLength, 0);
  await encoder.dispose();
  return { dataset, candidates, dimension: encoder.dimension, meanQueryTokens: Math.round(tokens / dataset.queries.length) };
}

/** A system under test: it measures one block of single-stream when asked, wherever it lives. */
export interface System {
  measureBlock(options: ScenarioOptions<LatencySample>): Promise<Measurement<LatencySample>>;
  /** Called after each of its blocks, outside measurement (e.g. a fresh session for the next). */
  afterBlock?(): Promise<void>;
  close(): Promise<void>;
}

/** An ORT session in this process, with its own candidate index (as `xlir run` gives each model). */
export async function inProcessSystem(dir: string, workload: Awaited<ReturnType<typeof benchWorkload>>, session: SessionOptions & { freshPerBlock?: boolean } = {}): Promise<System> {
  const { freshPerBlock, ...loadOptions } = session;
  const index = new CandidateIndex(workload.candidates.slice(), workload.dimension);
  let encoder: OnnxEncoder = await loadModel(dir, loadOptions);
  let processor = new RetrievalQueryProcessor(encoder, workload.dataset.queries, index);
  return {
    measureBlock: (options) => runSingleStream(processor, options),
    ...(freshPerBlock && {
      async afterBlock() {
        await encoder.dispose();
        encoder = await loadModel(dir, loadOptions);
        processor = new RetrievalQueryProcessor(encoder, workload.dataset.queries, index);
      },
    }),
    close: () => encoder.dispose(),
  };
}

/** A system in a child process of its own (pyperf's worker processes): its own heap, allocator and ORT. */
export async function childProcessSystem(dir: string, dataDir: string, candidatesFile: string, session: SessionOptions = {}): Promise<System> {
  const child: ChildProcess = fork(new URL('./aa-child.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let pending: ((message: { type: string; measurement?: Measurement<LatencySample>; message?: string }) => void) | undefined;
  child.on('message', (message: { type: string }) => pending?.(message as never));
  const request = <T>(message: object) =>
    new Promise<T>((resolve, reject) => {
      pending = (reply) => (reply.type === 'error' ? reject(new Error(reply.message)) : resolve(reply as T));
      child.send(message);
    });
  await request({ type: 'load', dir, dataDir, candidatesFile, session });
  return {
    async measureBlock(options) {
      const { signal, clock, onEvent, ...plain } = options;
      const reply = await request<{ measurement: Measurement<LatencySample> }>({ type: 'block', options: plain });
      return reply.measurement;
    },
    async close() {
      child.send({ type: 'exit' });
      await new Promise((resolve) => child.once('exit', resolve));
    },
  };
}

/** Writes the pool's embeddings where child systems can read them. */
export async function saveCandidates(dir: string, candidates: Float32Array): Promise<string> {
  const file = path.join(dir, 'candidates.f32');
  await writeFile(file, new Uint8Array(candidates.buffer, candidates.byteOffset, candidates.byteLength));
  return file;
}

export interface TrialOptions {
  seed: number;
  rounds: number;
  /** Per system, split over its blocks. */
  seconds: number;
  minQueries?: number;
  warmupQueries?: number;
  rewarmQueries?: number;
}

export interface Trial {
  /** Interval across paired rounds (the new verdict). */
  rounds: LatencyComparison;
  /** Bootstrap of queries as independent samples (the old verdict). */
  queries: LatencyComparison;
  quality: MeasurementQuality;
}

/** One A-vs-B measurement in interleaved rounds, judged both ways; system 0 is the baseline. */
export async function runTrial(systems: [System, System], options: TrialOptions, clock: Clock = createSystemClock()): Promise<Trial> {
  const scenario = {
    clock,
    seed: options.seed,
    rounds: options.rounds,
    warmupQueries: options.warmupQueries ?? 20,
    rewarmQueries: options.rewarmQueries ?? 5,
    minQueries: options.minQueries ?? 100,
    minDurationMs: options.seconds * 1000,
  };
  const monitor = startMeasurementMonitor(systemProbes(), clock);
  const blocks = await interleave(2, { ...scenario, betweenBlocks: async (system) => { await systems[system].afterBlock?.(); await monitor.sample(); } }, (system, round) =>
    systems[system].measureBlock(blockOptions(scenario, system, round)),
  );
  const quality = await monitor.finish();
  const [a, b] = blocks.map((block) => concatBlocks(block));
  const pairs = a.blocks.map((block, i) => ({ baseline: a.samples.slice(block.start, block.start + block.count), candidate: b.samples.slice(b.blocks[i].start, b.blocks[i].start + b.blocks[i].count) }));
  return {
    rounds: compareRounds(pairs),
    queries: compareLatency(a.samples, b.samples, { seed: options.seed, resamples: 2000 }),
    quality,
  };
}

/** Whether a comparison's interval excludes 1: it "calls a difference". */
export const callsDifference = (c: LatencyComparison) => !c.median.withinNoise;
