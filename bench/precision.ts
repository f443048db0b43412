// Precision variants side by side: the encode time per query (encoder.run: tensors, session.run,
// pooling, normalising) of a model's fp32 graph and of its int8 and fp16 variants, on the same
// pre-tokenized English XQuAD-R questions, one query at a time, in alternating rounds (A B C, C B A,
// …) so that drift and other load hit all variants alike. Prints a table, then one line per variant:
//   variant=int8 bytes=… p50_ms=… ratio_to_fp32=…   (ratio < 1: faster than the fp32 graph)
// Quality per variant is what `xlir run --variant int8 --variant fp16` measures.
// The model by default is a transformer, the multilingual-e5-small latency replica (12 BERT layers,
// 384 wide: MatMuls for int8 to quantise and fp16 to halve; generated offline on first use into
// the user models folder, bench/bench-models.ts): the bundled dictionary bridge has no MatMul, so
// int8 cannot be made from it (`xlir variants --make int8` refuses it) and its graph runs in under
// a millisecond. The replica's weights are random, which does not change its latency. Its int8 and
// fp16 variants are derived on first use (cached by the graph's sha256 under the tool's cache).
// Figures taken before on the former 2-layer xlir-mini baseline are not comparable.
// --model DIR (or a model or replica name) measures another. Prints the model first.
//   node bench/precision.ts [--model DIR] [--data-dir DIR] [--rounds 20] [--per-round 50] [--threads 1]
import { statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { loadDataset } from '../main/engine/datasets/registry.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import { summarize } from '../main/engine/latency/summary.ts';
import { loadModel } from '../main/engine/models/load-model.ts';
import { benchModelDir, benchReplicaDir, modelLine } from './bench-models.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    'data-dir': { type: 'string' },
    rounds: { type: 'string', default: '20' },
    'per-round': { type: 'string', default: '50' },
    threads: { type: 'string', default: '1' },
  },
});
const repo = path.resolve(import.meta.dirname, '..');
const modelDir = await benchModelDir(values.model, () => benchReplicaDir());
const dataDir = values['data-dir'] ?? process.env.XLIR_DATA_DIR ?? path.resolve(repo, '../shared/data');
const threads = Number(values.threads);

const variants = [undefined, 'int8', 'fp16'] as const;
console.log(await modelLine(modelDir));
const encoders = await Promise.all(variants.map((variant) => loadModel(modelDir, { intraOpThreads: threads, interOpThreads: 1, ...(variant && { variant }) })));
const { dataset } = await loadDataset({ name: 'xquad-r', dataDir, langs: ['en'] });
const texts = dataset.queries.slice(0, 200).map((q) => q.text);
const batches = encoders.map((encoder) => texts.map((text) => encoder.tokenize([text], 'query')));
const clock = createSystemClock();
const times: number[][] = variants.map(() => []);

async function round(v: number, from: number, n: number, keep: boolean) {
  for (let i = 0; i < n; i++) {
    const t0 = clock.nowMs();
    await encoders[v].run(batches[v][(from + i) % texts.length]);
    if (keep) times[v].push(clock.nowMs() - t0);
  }
}

const rounds = Number(values.rounds);
const perRound = Number(values['per-round']);
for (let v = 0; v < variants.length; v++) await round(v, 0, 20, false); // warm-up
for (let r = 0; r < rounds; r++) {
  const order = r % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
  for (const v of order) {
    await round(v, r * perRound, 2, false); // caches are cold after another variant ran
    await round(v, r * perRound, perRound, true);
  }
}
const summaries = times.map((t) => summarize(t));
const rows = variants.map((variant, v) => {
  const bytes = statSync(encoders[v].graph.file).size;
  return { name: variant ?? 'fp32', bytes, p50: summaries[v].p50Ms, p99: summaries[v].p99Ms, ratio: summaries[v].p50Ms / summaries[0].p50Ms };
});
console.log(`${encoders[0].manifest.name}: encode per query, ${threads} intra-op thread(s), ${rounds} rounds × ${perRound} queries per variant`);
console.log(formatTable(['variant', 'size', 'p50 ms', 'p99 ms', 'p50 / fp32'], rows.map((r) => [r.name, `${(r.bytes / 1e6).toFixed(2)} MB`, r.p50.toFixed(3), r.p99.toFixed(3), r.ratio.toFixed(3)])));
for (const r of rows) console.log(`variant=${r.name} bytes=${r.bytes} p50_ms=${r.p50.toFixed(4)} ratio_to_fp32=${r.ratio.toFixed(3)}`);
await Promise.all(encoders.map((e) => e.dispose()));
