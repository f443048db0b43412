// Exact search cost as the candidate pool grows: milliseconds per query for top-10 inner-product
// search over N synthetic unit vectors (13k is XQuAD-R's pool). Not a test: prints a table.
//   node bench/search-scaling.ts [--dim 384] [--sizes 13014,100000,1000000] [--queries 50]
import { parseArgs } from 'node:util';
import { createRng } from '../main/engine/random/seeded.ts';
import { CandidateIndex } from '../main/engine/retrieval/exact-search.ts';
import { summarize } from '../main/engine/latency/summary.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import { formatTable } from '../main/cli/terminal.ts';

const { values } = parseArgs({
  options: { dim: { type: 'string', default: '384' }, sizes: { type: 'string', default: '13014,100000,1000000' }, queries: { type: 'string', default: '50' } },
});
const dim = Number(values.dim);
const sizes = values.sizes.split(',').map(Number);
const queryCount = Number(values.queries);
const rng = createRng(7);

function unitVectors(n: number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = rng() * 2 - 1;
      v[r * dim + d] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let d = 0; d < dim; d++) v[r * dim + d] *= inv;
  }
  return v;
}

const clock = createSystemClock();
const queries = unitVectors(queryCount);
const rows: (string | number)[][] = [];
for (const n of sizes) {
  const index = new CandidateIndex(unitVectors(n), dim);
  const out = { ids: new Int32Array(10), scores: new Float32Array(10) };
  for (let q = 0; q < Math.min(5, queryCount); q++) index.topK(queries.subarray(q * dim, (q + 1) * dim), 10, out); // warm-up
  const times: number[] = [];
  for (let q = 0; q < queryCount; q++) {
    const t0 = clock.nowMs();
    index.topK(queries.subarray(q * dim, (q + 1) * dim), 10, out);
    times.push(clock.nowMs() - t0);
  }
  const s = summarize(times);
  const gflops = (2 * n * dim) / (s.p50Ms * 1e6);
  rows.push([n.toLocaleString('en'), dim, s.p50Ms.toFixed(3), s.p99Ms.toFixed(3), gflops.toFixed(2)]);
}
console.log(formatTable(['candidates', 'dim', 'p50 ms/query', 'p99 ms/query', 'GFLOP/s at p50'], rows));
