// How fast the run history answers as it grows: builds a history of synthetic runs (hundreds of
// runs, 100k latency samples each by default), then times what the CLI does with it — list,
// filter, show one run with all its samples, compare two runs, export, import, check — and prints
// a table, with the file's size per sample. Not a test.
//   node bench/history-query.ts [--runs 200] [--samples 100000] [--repeat 5] [--keep DIR]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import type { RunResult } from '../main/engine/run/run-result.ts';
import { compareRuns } from '../main/report/compare-runs.ts';
import { renderHtmlReport } from '../main/report/html/html-report.ts';
import { parseReportText } from '../main/report/import-report.ts';
import { renderJsonReport } from '../main/report/json-report.ts';
import { importRuns } from '../main/store/import-runs.ts';
import { openHistory } from '../main/store/open-history.ts';
import { listRuns, loadRun } from '../main/store/run-queries.ts';
import { storeResult } from '../main/store/runs.ts';
import { syntheticResult } from '../test/store/synthetic-result.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    samples: { type: 'string', default: '100000' },
    repeat: { type: 'string', default: '5' },
    keep: { type: 'string' },
  },
});
const runCount = Number(values.runs);
const samplesPerRun = Number(values.samples);
const repeat = Number(values.repeat);
const MODELS_PER_RUN = 2;
const MACHINES = 5;

const clock = createSystemClock();
const dir = values.keep ?? mkdtempSync(path.join(os.tmpdir(), 'xlir-bench-history-'));
const file = path.join(dir, 'history.sqlite');
rmSync(file, { force: true });

// A few full results as templates; each stored run is one of them under a new id, date, machine
// and model names (the samples are re-encoded for every run, as a real run's would be).
const perModel = Math.floor(samplesPerRun / MODELS_PER_RUN);
const templates = [1, 2, 3].map((seed) => syntheticResult({ seed, samples: perModel, factors: [1, 0.8 + seed * 0.05] }));
const machines = Array.from({ length: MACHINES }, (_, i) => syntheticResult({ seed: 1, samples: 1, machine: { hostname: `machine-${i}` } }).machine);
const runId = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
function runAt(i: number): RunResult {
  const t = templates[i % templates.length];
  const family = ['e5-small', 'labse', 'minilm', 'xlmr-base'][i % 4];
  return {
    ...t,
    id: runId(i),
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    machine: machines[i % MACHINES],
    models: t.models.map((m, k) => ({ ...m, name: `${family}-${k === 0 ? 'baseline' : 'hybrid'}` })),
  };
}

const build0 = clock.nowMs();
let history = openHistory({ file });
for (let i = 0; i < runCount; i++) storeResult(history.db, runAt(i), 'local');
history.close();
const buildMs = clock.nowMs() - build0;
const bytes = statSync(file).size;
const jsonBytesPerSample = JSON.stringify(templates[0].models[0].latency.scenario === 'offline' ? [] : templates[0].models[0].latency.samples).length / perModel;

/** Median and minimum of `repeat` timings of `fn` (after one untimed call that warms caches). */
function time(fn: () => unknown): { median: number; min: number } {
  fn();
  const ms: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = clock.nowMs();
    fn();
    ms.push(clock.nowMs() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)], min: ms[0] };
}

history = openHistory({ file });
const { db } = history;
const middle = runId(Math.floor(runCount / 2));
const other = runId(Math.floor(runCount / 2) + 1);
const load = (id: string) => {
  const run = loadRun(db, id);
  return { result: run.result!, machine: run.machine };
};
const oneReport = renderJsonReport([load(middle)]);
const rows: [string, { median: number; min: number }][] = [
  ['open (schema check, WAL)', time(() => openHistory({ file }).close())],
  [`list all ${runCount} runs`, time(() => listRuns(db))],
  ['list the latest 50', time(() => listRuns(db, { limit: 50 }))],
  ['list filtered by machine', time(() => listRuns(db, { machine: 'machine-3' }))],
  ['list filtered by model', time(() => listRuns(db, { model: 'labse' }))],
  [`show one run (${samplesPerRun} samples decoded)`, time(() => loadRun(db, middle))],
  ['compare two runs: load', time(() => [load(middle), load(other)])],
  ['compare two runs: load + bootstrap (1000)', time(() => compareRuns([load(middle), load(other)], { resamples: 1000 }))],
  ['export one run as HTML', time(() => renderHtmlReport([load(middle)]))],
  ['export one run as JSON', time(() => renderJsonReport([load(middle)]))],
  ['import one run (validate + store)', time(() => {
    db.prepare('DELETE FROM runs WHERE id = ?').run(middle);
    importRuns(db, parseReportText(oneReport, 'bench.json'));
  })],
  ['check the whole file (quick_check)', time(() => openHistory({ file, verify: true }).close())],
];
history.close();

const samples = runCount * perModel * MODELS_PER_RUN;
process.stdout.write(
  `History of ${runCount} runs × ${MODELS_PER_RUN} models × ${perModel} samples (${samples.toLocaleString('en')} samples) on ${MACHINES} machines, built in ${(buildMs / 1000).toFixed(1)} s\n` +
    `File ${(bytes / 2 ** 20).toFixed(0)} MiB: ${(bytes / samples).toFixed(1)} bytes per sample (the same samples as JSON: ${jsonBytesPerSample.toFixed(0)})\n\n` +
    `${formatTable(['operation', 'median ms', 'min ms'], rows.map(([name, t]) => [name, t.median.toFixed(1), t.min.toFixed(1)]))}\n`,
);
if (!values.keep) rmSync(dir, { recursive: true, force: true });
