// Roofline efficiency: the XLM-R-base replica at 32 tokens, batch 1, on all cores, against the
// machine's peak MatMul rate measured with ONNX Runtime on the same provider and thread count.
// The peak and the model are measured in alternating rounds so that load from other processes
// and frequency drift hit both alike; each round gives one efficiency, and the median is reported.
// Each round also measures a stack of 12 feed-forward layers (768 → 3072 → 768, distinct weights,
// 113 MB) at the same rows: the same GEMMs with their weights streamed from memory as the model's
// are, which says how much of the gap to the peak is the memory system rather than the runtime.
// The model is timed through the harness (encoder.run: tensors, session.run, pooling — the encode
// stage of xlir run) and as a bare session.run loop on the same inputs, alternately.
// Last line: efficiency=X (achieved GFLOP/s ÷ peak GFLOP/s). Target on CPU: X ≥ 0.75.
//   node bench/roofline.ts [--model DIR] [--tokens 32] [--batch 1] [--threads N] [--ep cpu|cuda] [--rounds 5] [--per-round 30]
// The replica: npm run models:replica -- --model xlm-roberta-base --out .cache/models
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import { percentileOfSorted, sortedCopy } from '../main/engine/latency/percentiles.ts';
import { loadModel } from '../main/engine/models/load-model.ts';
import { resolveModelArgument, userModelsDir } from '../main/engine/models/model-locations.ts';
import { ModelFlops } from '../main/engine/roofline/flop-count.ts';
import { measurePrecisionPeak, measureWeightStream } from '../main/engine/roofline/matmul-peak.ts';
import { syntheticBatch } from '../main/engine/sweep/synthetic-batch.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    tokens: { type: 'string', default: '32' },
    batch: { type: 'string', default: '1' },
    threads: { type: 'string' },
    ep: { type: 'string', default: 'cpu' },
    rounds: { type: 'string', default: '5' },
    'per-round': { type: 'string', default: '30' },
  },
});
const repo = path.resolve(import.meta.dirname, '..');
const replica = 'xlm-roberta-base-replica';
const modelDir =
  values.model ??
  resolveModelArgument(replica, [path.join(repo, '.cache/models'), userModelsDir(), path.join(repo, '.cache/xlir-bench/models')]);
if (!modelDir) {
  console.error(`No ${replica} found in .cache/models or ${userModelsDir()}. Generate it (about 1.1 GB):\n  npm run models:replica -- --model xlm-roberta-base --out .cache/models\nor pass --model DIR.`);
  process.exit(1);
}
const tokens = Number(values.tokens);
const batchSize = Number(values.batch);
const threads = Number(values.threads ?? os.availableParallelism());
const rounds = Number(values.rounds);
const perRound = Number(values['per-round']);

if (values.ep !== 'cpu' && values.ep !== 'cuda') throw new Error(`--ep takes cpu or cuda, got ${values.ep}`);
const encoder = await loadModel(modelDir, { intraOpThreads: threads, executionProviders: [values.ep] });
const flops = (await ModelFlops.fromFile(encoder.graph.file)).count(batchSize, tokens);
const batch = syntheticBatch(encoder, batchSize, tokens);
const clock = createSystemClock();
const median = (values: number[]) => percentileOfSorted(sortedCopy(values), 50);

for (let i = 0; i < 10; i++) await encoder.run(batch); // warm-up: allocator, pre-packed weights, caches
const feeds = encoder.feeds(batch);
const perRoundRows: { peak: number; peakSize: string; streamed: number; model: number; bareRatio: number; efficiency: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const peak = await measurePrecisionPeak('fp32', { provider: encoder.provider, intraOpThreads: threads, minMsPerSize: 300 });
  if (!peak.supported) throw new Error(`fp32 MatMul did not run: ${peak.reason}`);
  const streamed = await measureWeightStream(batchSize * tokens, { provider: encoder.provider, intraOpThreads: threads, minMsPerSize: 300 });
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
  perRoundRows.push({ peak: peak.gflops, peakSize: `${peak.best.m}×${peak.best.k}×${peak.best.n}`, streamed: streamed.gflops, model, bareRatio: median(times) / median(bare), efficiency: model / peak.gflops });
}
await encoder.dispose();

const efficiencies = perRoundRows.map((row) => row.efficiency);
console.log(`model ${encoder.manifest.name} (${modelDir}) on ${encoder.provider}, ${threads} intra-op threads, batch ${batchSize} × ${tokens} tokens`);
console.log(`FLOPs per forward pass: ${(flops.total / 1e9).toFixed(3)} G (weights ${(flops.weights / 1e9).toFixed(3)} G, attention ${(flops.attention / 1e9).toFixed(4)} G, ${flops.matmuls} MatMuls${flops.uncounted.length ? `, ${flops.uncounted.length} uncounted` : ''})`);
console.log(
  formatTable(
    ['round', 'peak GFLOP/s', 'best size', 'streamed-weights GFLOP/s', 'model GFLOP/s', 'model ÷ streamed', 'harness ÷ bare', 'efficiency'],
    perRoundRows.map((row, i) => [i + 1, row.peak.toFixed(1), row.peakSize, row.streamed.toFixed(1), row.model.toFixed(1), (row.model / row.streamed).toFixed(3), row.bareRatio.toFixed(3), row.efficiency.toFixed(3)]),
  ),
);
console.log(`median peak ${median(perRoundRows.map((row) => row.peak)).toFixed(1)} GFLOP/s, median streamed-weights ${median(perRoundRows.map((row) => row.streamed)).toFixed(1)} GFLOP/s, median model ${median(perRoundRows.map((row) => row.model)).toFixed(1)} GFLOP/s, efficiency min ${Math.min(...efficiencies).toFixed(3)} max ${Math.max(...efficiencies).toFixed(3)}`);
console.log(`efficiency=${median(efficiencies).toFixed(3)}`);
