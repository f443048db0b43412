// Roofline of the XLM-R-base replica at batch 1 × 32 tokens (by default), on all cores: the model's
// achieved GFLOP/s against the two ceilings measured with ONNX Runtime on the same provider and
// thread count — the peak MatMul rate, and the read bandwidth times the model's arithmetic
// intensity (FLOPs ÷ the bytes one forward pass must move, counted from the graph).
// The ceilings and the model are measured in alternating rounds so that load from other processes
// and frequency drift hit them alike; each round gives one efficiency, and the median is reported.
// Each round also measures, for reference:
// - a plain JavaScript Float64Array sum over the same buffer size (one thread): what a JS loop reads;
// - a stack of 12 feed-forward layers (768 → 3072 → 768, distinct weights, 226 MB) at the same rows:
//   the model's GEMMs with their weights streamed from memory, without the rest of the model.
// The model is timed through the harness (encoder.run, the encode stage of xlir run) and as a bare
// session.run loop on the same inputs, alternately. After the rounds, a separate session with ONNX
// Runtime's profiler on says where the time goes per operator (never during the timed rounds).
// Last lines: attainable_efficiency=X (achieved ÷ min(peak, intensity × bandwidth)) and
// efficiency=Y (achieved ÷ peak).
//   node bench/roofline.ts [--model DIR] [--tokens 32] [--batch 1] [--threads N] [--ep cpu|cuda] [--rounds 5] [--per-round 30] [--clock wall|cpu]
// --clock cpu (one thread only) times everything by the process's CPU time instead of the wall
// clock: on a machine shared with other work it leaves out the time the scheduler gave to others,
// though not what they take of the caches and the memory bus. Wall time is what a user gets; CPU
// time estimates what a quiet machine would give.
// Without --model the XLM-R-base replica is used, generated offline into .cache/models if missing.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { createSystemClock, type Clock } from '../main/engine/latency/clock.ts';
import { percentileOfSorted, sortedCopy } from '../main/engine/latency/percentiles.ts';
import { lastLevelCacheBytes, loadAverage } from '../main/engine/machine/system-load.ts';
import { loadModel } from '../main/engine/models/load-model.ts';
import { bandwidthBufferBytes, measureBandwidth } from '../main/engine/roofline/memory-bandwidth.ts';
import { measurePrecisionPeak, measureWeightStream } from '../main/engine/roofline/matmul-peak.ts';
import { ModelCost } from '../main/engine/roofline/model-cost.ts';
import { profileOperators } from '../main/engine/roofline/profile-operators.ts';
import { syntheticBatch } from '../main/engine/sweep/synthetic-batch.ts';
import { ensureReplica } from './replica.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    tokens: { type: 'string', default: '32' },
    batch: { type: 'string', default: '1' },
    threads: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
    rounds: { type: 'string', default: '5' },
    'per-round': { type: 'string', default: '30' },
    clock: { type: 'string', default: 'wall' },
  },
});
if (values.ep !== 'cpu' && values.ep !== 'cuda') throw new Error(`--ep takes cpu or cuda, got ${values.ep}`);
const provider = values.ep;
const modelDir = values.model ?? ensureReplica('xlm-roberta-base-replica', 'xlm-roberta-base');
const tokens = Number(values.tokens);
const batchSize = Number(values.batch);
const threads = Number(values.threads ?? os.availableParallelism());
const rounds = Number(values.rounds);
const perRound = Number(values['per-round']);
if (values.clock !== 'wall' && values.clock !== 'cpu') throw new Error(`--clock takes wall or cpu, got ${values.clock}`);
// With more threads, CPU time would add the intra-op pool's spinning and every thread's share.
if (values.clock === 'cpu' && threads !== 1) throw new Error('--clock cpu needs --threads 1');
const loadAtStart = loadAverage();

const encoder = await loadModel(modelDir, { intraOpThreads: threads, executionProviders: [provider] });
const cost = await ModelCost.fromFile(encoder.graph.file);
const flops = cost.flops(batchSize, tokens);
const bytes = cost.bytes(batchSize, tokens);
const intensity = flops.total / bytes.memoryBytes;
const batch = syntheticBatch(encoder, batchSize, tokens);
/** Process CPU time (user + system, every thread), in milliseconds. */
function cpuTimeClock(): Clock {
  const read = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  return { nowMs: read, waitUntil: () => Promise.reject(new Error('a CPU-time clock cannot wait')) };
}
const clock = values.clock === 'cpu' ? cpuTimeClock() : createSystemClock();
const median = (list: number[]) => percentileOfSorted(sortedCopy(list), 50);
const spread = (list: number[], digits = 1) => `${Math.min(...list).toFixed(digits)}–${Math.max(...list).toFixed(digits)}`;

// A plain JS read of the same buffer size as the ORT bandwidth kernel (one thread, V8's scalar loop).
const jsBuffer = new Float64Array(bandwidthBufferBytes('cpu', lastLevelCacheBytes()) / 8).fill(1 / 1024);
function jsReadGBs(): number {
  const times: number[] = [];
  let sink = 0;
  for (let i = 0; i < 7; i++) {
    const t0 = clock.nowMs();
    let sum = 0;
    for (let j = 0; j < jsBuffer.length; j++) sum += jsBuffer[j];
    times.push(clock.nowMs() - t0);
    sink += sum;
  }
  if (sink < 0) console.log(sink); // keeps the loop observable
  return jsBuffer.byteLength / (median(times.slice(2)) * 1e6);
}

for (let i = 0; i < 10; i++) await encoder.run(batch); // warm-up: allocator, pre-packed weights, caches
const feeds = encoder.feeds(batch);
interface Round { load: number | null; peak: number; peakSize: string; bandwidth: number; bestBandwidth: number; js: number; streamed: number; model: number; bareRatio: number; attainable: number; bound: string }
const perRoundRows: Round[] = [];
for (let r = 0; r < rounds; r++) {
  const load = loadAverage();
  const peak = await measurePrecisionPeak('fp32', { provider, intraOpThreads: threads, minDurationMs: 300, clock });
  if (!peak.supported) throw new Error(`fp32 MatMul did not run: ${peak.reason}`);
  const bandwidth = await measureBandwidth({ provider, intraOpThreads: threads, minDurationMs: 300, clock });
  if (!bandwidth.read.supported) throw new Error(`the bandwidth kernel did not run: ${bandwidth.read.reason}`);
  const js = jsReadGBs();
  const streamed = await measureWeightStream(batchSize * tokens, { provider, intraOpThreads: threads, minDurationMs: 300, clock });
  const times: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < perRound; i++) {
    const t0 = clock.nowMs();
    await encoder.run(batch);
    const t1 = clock.nowMs();
    await encoder.bareRun(feeds);
    bare.push(clock.nowMs() - t1);
    times.push(t1 - t0);
  }
  const model = flops.total / (median(times) * 1e6);
  const memoryCeiling = intensity * bandwidth.read.gbPerS;
  perRoundRows.push({
    load,
    peak: peak.gflops,
    peakSize: `${peak.best.m}×${peak.best.k}×${peak.best.n}`,
    bandwidth: bandwidth.read.gbPerS,
    bestBandwidth: bandwidth.read.bestGbPerS,
    js,
    streamed: streamed.gflops,
    model,
    bareRatio: median(times) / median(bare),
    attainable: Math.min(peak.gflops, memoryCeiling),
    bound: memoryCeiling < peak.gflops ? 'memory' : 'compute',
  });
}
const profile = await profileOperators(modelDir, { load: { executionProviders: [provider], intraOpThreads: threads }, batches: Array.from({ length: 20 }, () => batch), cost });
await encoder.dispose();
const loadAtEnd = loadAverage();

const fmt = (v: number) => v.toFixed(1);
console.log(`model ${encoder.manifest.name} (${modelDir}) on ${provider}, ${threads} intra-op threads, batch ${batchSize} × ${tokens} tokens, timed by ${values.clock === 'cpu' ? 'process CPU time' : 'the wall clock'}`);
console.log(`FLOPs per forward pass: ${(flops.total / 1e9).toFixed(3)} G (weights ${(flops.weights / 1e9).toFixed(3)} G, attention ${(flops.attention / 1e9).toFixed(4)} G, ${flops.matmuls} MatMuls${flops.uncounted.length ? `, ${flops.uncounted.length} uncounted` : ''})`);
console.log(`bytes per forward pass: ${(bytes.weightBytes / 1e6).toFixed(1)} MB of ${bytes.weights} weights + ${(bytes.ioBytes / 1e3).toFixed(1)} kB in/out (activations, unfused, uncached: ${(bytes.activationBytes / 1e6).toFixed(1)} MB); intensity ${intensity.toFixed(2)} FLOP/byte`);
console.log(`load average (1 min): ${loadAtStart?.toFixed(2) ?? '-'} at the start, ${loadAtEnd?.toFixed(2) ?? '-'} at the end, on ${os.availableParallelism()} cores`);
console.log(
  formatTable(
    ['round', 'load', 'peak GFLOP/s', 'best size', 'ORT read GB/s (best)', 'JS read GB/s', 'I×BW GFLOP/s', 'bound', 'streamed-FFN GFLOP/s', 'model GFLOP/s', 'harness ÷ bare', 'efficiency', 'attainable eff.'],
    perRoundRows.map((row, i) => [
      i + 1,
      row.load?.toFixed(2) ?? '-',
      fmt(row.peak),
      row.peakSize,
      `${fmt(row.bandwidth)} (${fmt(row.bestBandwidth)})`,
      fmt(row.js),
      fmt(intensity * row.bandwidth),
      row.bound,
      fmt(row.streamed),
      fmt(row.model),
      row.bareRatio.toFixed(3),
      (row.model / row.peak).toFixed(3),
      (row.model / row.attainable).toFixed(3),
    ]),
  ),
);
const col = (pick: (row: Round) => number) => perRoundRows.map(pick);
console.log(
  `median (range) over rounds: peak ${fmt(median(col((r) => r.peak)))} (${spread(col((r) => r.peak))}) GFLOP/s, ORT read ${fmt(median(col((r) => r.bandwidth)))} (${spread(col((r) => r.bandwidth))}) GB/s, ` +
    `JS read ${fmt(median(col((r) => r.js)))} GB/s, streamed FFN ${fmt(median(col((r) => r.streamed)))} GFLOP/s, model ${fmt(median(col((r) => r.model)))} (${spread(col((r) => r.model))}) GFLOP/s`,
);
console.log(`\nwhere a forward pass goes (ONNX Runtime profiler, separate session, ${profile.runs} runs, ${profile.runMs.toFixed(2)} ms per run as profiled):`);
console.log(
  formatTable(
    ['category', 'ms per run', 'share'],
    [...profile.categories.filter((c) => c.ms > 0).map((c) => [c.category, c.ms.toFixed(2), `${(c.share * 100).toFixed(1)}%`]), ['between kernels', profile.betweenKernels.ms.toFixed(2), `${(profile.betweenKernels.share * 100).toFixed(1)}%`]],
  ),
);
// The MatMul kernels' rate on the bench's own clock: their share of the profiled run × the measured model time.
const matmulShare = profile.categories.find((c) => c.category === 'matmul')!.share;
const matmulGflops = flops.weights / (matmulShare * (flops.total / (median(col((r) => r.model)) * 1e6)) * 1e6);
console.log(`MatMul kernels alone: ${fmt(matmulGflops)} GFLOP/s (weight FLOPs ÷ (MatMul share × median model time)) = ${(matmulGflops / median(col((r) => r.peak))).toFixed(3)} of the median peak; the rest of the graph takes ${((1 - matmulShare) * 100).toFixed(1)}% of its time`);
const efficiencies = col((r) => r.model / r.peak);
const attainable = col((r) => r.model / r.attainable);
console.log(`efficiency min ${Math.min(...efficiencies).toFixed(3)} max ${Math.max(...efficiencies).toFixed(3)}; attainable efficiency min ${Math.min(...attainable).toFixed(3)} max ${Math.max(...attainable).toFixed(3)}`);
console.log(`attainable_efficiency=${median(attainable).toFixed(3)}`);
console.log(`efficiency=${median(efficiencies).toFixed(3)}`);
