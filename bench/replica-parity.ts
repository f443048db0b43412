// Node-generated replica against the Python-built one: latency per query of the same architecture,
// measured in one interleaved single-stream run (the models alternate in blocks, so drift and
// background load hit both alike). Also: the Node generator's time and size, and that two
// generations give the same sha256.
// Last line: p50_ratio=X (Node p50 ÷ Python p50). Target: 0.95 ≤ X ≤ 1.05.
//   node bench/replica-parity.ts --python DIR [--model xlm-roberta-base] [--langs en] [--min-queries 400] [--threads N]
// DIR is a folder written by `npm run models:replica -- --model xlm-roberta-base --offline-tokenizer --out PARENT`
// (PARENT/xlm-roberta-base-replica): both then use the same stand-in tokenizer, so only the graphs differ.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { compareLatency } from '../main/engine/latency/compare.ts';
import { generateReplica } from '../main/engine/replicas/generate-replica.ts';
import { findReplica } from '../main/engine/replicas/replica-catalog.ts';
import { startBenchmark } from '../main/engine/run/benchmark-job.ts';

const { values } = parseArgs({
  options: {
    python: { type: 'string' },
    model: { type: 'string', default: 'xlm-roberta-base' },
    langs: { type: 'string', default: 'en' },
    'min-queries': { type: 'string', default: '400' },
    threads: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const spec = findReplica(values.model!);
if (!spec) throw new Error(`--model ${values.model}: not a replica`);
if (!values.python || !existsSync(path.join(values.python, 'manifest.json'))) throw new Error('pass --python DIR, a replica folder built by npm run models:replica (see the header of this file)');

const sha256 = async (file: string) => {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
};

// Two generations, into two folders: time, size, and whether the bytes are the same.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'xlir-replica-parity-'));
const generations = [];
for (const name of ['first', 'second']) {
  const generated = await generateReplica(spec, path.join(scratch, name), { tokenizer: { offline: true } });
  generations.push({ ...generated, sha256: await sha256(generated.files[0]) });
  if (name === 'second') rmSync(generated.dir, { recursive: true, force: true });
}
const nodeDir = generations[0].dir;
console.log(formatTable(['generation', 'seconds', 'GB', 'sha256'], generations.map((g, i) => [i + 1, g.seconds.toFixed(1), (g.weightBytes / 1e9).toFixed(2), g.sha256])));
console.log(`identical bytes: ${generations[0].sha256 === generations[1].sha256}\n`);

const job = startBenchmark({
  models: [path.resolve(values.python), nodeDir],
  dataset: { name: 'xquad-r', langs: values.langs!.split(',') },
  provider: { ...(values.threads && { intraOpThreads: Number(values.threads) }) },
  scenario: { kind: 'single-stream', warmupQueries: 20, minQueries: Number(values['min-queries']), minDurationMs: 0 },
  quality: false,
  lexicalFloor: false,
  roofline: false,
});
for await (const event of job.events) if (event.type === 'phase') process.stderr.write(`[${event.phase}] ${event.model ? path.basename(event.model) : ''}\n`);
const result = await job.result;
const [python, node] = result.models.map((m) => m.latency);
if (python.scenario !== 'single-stream' || node.scenario !== 'single-stream') throw new Error('expected single-stream results');
const comparison = compareLatency(python.samples, node.samples, { seed: 1, resamples: 2000, labels: { baseline: 'python', candidate: 'node' } });
console.log(
  formatTable(
    ['replica', 'queries', 'rounds', 'p50 ms', 'p90 ms', 'p99 ms', 'sha256'],
    result.models.map((m, i) => [i === 0 ? 'python' : 'node', comparison[i === 0 ? 'baseline' : 'candidate'].count, m.latency.scenario === 'single-stream' ? m.latency.rounds : 0, comparison[i === 0 ? 'baseline' : 'candidate'].p50Ms.toFixed(2), comparison[i === 0 ? 'baseline' : 'candidate'].p90Ms.toFixed(2), comparison[i === 0 ? 'baseline' : 'candidate'].p99Ms.toFixed(2), m.model.sha256.slice(0, 16)]),
  ),
);
console.log(`median ratio node/python ${comparison.median.ratio.toFixed(4)} (95% CI ${comparison.median.ciLow.toFixed(4)}–${comparison.median.ciHigh.toFixed(4)}): ${comparison.verdict}`);
if (!values.keep) rmSync(scratch, { recursive: true, force: true });
console.log(`p50_ratio=${(comparison.candidate.p50Ms / comparison.baseline.p50Ms).toFixed(4)}`);
