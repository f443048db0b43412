import { describeNoiseFloor } from '../report/measurement-notes.ts';
import type { LatencySummary } from '../engine/latency/summary.ts';
import type { QualityResult } from '../engine/metrics/quality-result.ts';
import type { ModelRun, RunResult } from '../engine/run/run-result.ts';
import { precisionRows } from '../report/precision-rows.ts';
import { ceilingsLine, operatorShareTable, rooflineTable, workLine } from '../report/roofline-tables.ts';
import { formatTable } from './terminal.ts';

const ms = (v: number) => v.toFixed(v < 10 ? 3 : 1);
const fixed3 = (v: number | null | undefined) => (v === null || v === undefined ? '-' : v.toFixed(3));

function percentileRow(label: string, s: LatencySummary): (string | number)[] {
  return [label, s.count, ms(s.p50Ms), ms(s.p90Ms), ms(s.p95Ms), ms(s.p99Ms), ms(s.p999Ms), ms(s.meanMs), s.stdDevMs === null ? '-' : ms(s.stdDevMs), ms(s.minMs), ms(s.maxMs)];
}
const PERCENTILE_HEADER = ['', 'n', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'std', 'min', 'max'];

function latencySection(m: ModelRun): string {
  const l = m.latency;
  const title = `Latency per query, ${m.name} (${l.scenario}, ${m.provider.actual}${m.provider.intraOpThreads ? `, ${m.provider.intraOpThreads} threads` : ''}), ms`;
  if (l.scenario === 'offline') {
    const rows = l.runs.filter((r) => r.stages).map((r) => [r.batchSize, r.queries, r.queriesPerSecond?.toFixed(1) ?? '-', ms(r.stages!.total.p50Ms), ms(r.stages!.total.p99Ms)]);
    return `${title}\n${formatTable(['batch', 'queries', 'queries/s', 'p50 batch', 'p99 batch'], rows)}`;
  }
  if (!l.stages) return `${title}\n  no queries measured${l.cancelled ? ' (cancelled)' : ''}`;
  const rows = [
    percentileRow('total', l.stages.total),
    percentileRow('tokenize', l.stages.tokenize),
    percentileRow('encode', l.stages.encode),
    percentileRow('search', l.stages.search),
    ...(l.stages.queue ? [percentileRow('queue', l.stages.queue)] : []),
  ];
  const rate = l.scenario === 'server' ? `offered ${l.targetQps} q/s, completed ${l.completedQps?.toFixed(1) ?? '-'} q/s, load ${l.offeredLoad?.toFixed(2) ?? '-'}, ${l.keptUp ? 'kept up' : 'did NOT keep up'}` : `throughput ${l.throughputQps?.toFixed(1) ?? '-'} queries/s`;
  const perLang = formatTable(
    ['language', 'n', 'p50', 'p90', 'p99', 'mean tokens'],
    l.byLanguage.map((g) => [g.lang, g.summary.count, ms(g.summary.p50Ms), ms(g.summary.p90Ms), ms(g.summary.p99Ms), g.tokens ? g.tokens.mean.toFixed(1) : '-']),
  );
  const fit = l.tokenCost?.total;
  const perToken = fit
    ? `\nlatency vs tokens: ${ms(fit.fixedMs)} ms + ${fit.perTokenMs.toFixed(4)} ms/token (least squares over ${fit.samples} queries, ${fit.points[0].tokens}–${fit.points[fit.points.length - 1].tokens} tokens${fit.r2 === null ? '' : `, R² ${fit.r2.toFixed(2)}`})`
    : '';
  return `${title}\n${formatTable(PERCENTILE_HEADER, rows)}\n${rate}\n${perLang}${perToken}`;
}

/** Achieved GFLOP/s against the measured ceilings, and where the time goes per operator. */
function rooflineSection(m: ModelRun): string {
  const r = m.roofline;
  if (!r) return '';
  const lines = [`Roofline, ${m.name}: ${workLine(r)}`, `  ceilings: ${ceilingsLine(r)}`];
  const efficiency = rooflineTable([m]);
  if (efficiency.rows.length > 0) lines.push(formatTable(efficiency.header.slice(1), efficiency.rows.map((row) => row.slice(1))));
  const operators = operatorShareTable([m]);
  if (operators.rows.length > 0) lines.push('Where a graph run goes (ONNX Runtime profiler, separate session):', formatTable(operators.header.slice(1), operators.rows.map((row) => row.slice(1))));
  return [...lines, ...r.notes.map((n) => `  note: ${n}`)].join('\n');
}

/** The quality table: the lexical floor and every model measured; notes for those that were not. */
export function qualitySection(models: readonly Pick<ModelRun, 'name' | 'quality' | 'qualityNote' | 'candidateContext'>[], lexicalFloor: QualityResult | null): string {
  const columns = [
    ...(lexicalFloor ? [{ name: 'TF-IDF floor', quality: lexicalFloor }] : []),
    ...models.flatMap((m) => (m.quality ? [{ name: m.name, quality: m.quality }] : [])),
  ];
  const notes = [
    ...models.filter((m) => !m.quality && m.qualityNote).map((m) => `${m.name}: ${m.qualityNote}`),
    ...models.filter((m) => m.candidateContext === 'paragraph').map((m) => `${m.name}: candidates encoded with their paragraph as context`),
  ];
  if (columns.length === 0) return notes.join('\n');
  const q = columns.map((c) => c.quality);
  const row = (label: string, get: (i: number) => string) => [label, ...q.map((_, i) => get(i))];
  const rows = [
    row(`mAP monolingual (${q[0].monolingual?.pairs ?? 0} pairs)`, (i) => fixed3(q[i].monolingual?.map)),
    row(`mAP cross-lingual (${q[0].crossLingual?.pairs ?? 0} pairs)`, (i) => fixed3(q[i].crossLingual?.map)),
    row('mAP multilingual', (i) => fixed3(q[i].multilingual.map)),
    row('Recall@1 / @10 multilingual', (i) => `${fixed3(q[i].multilingual.recall['1'])} / ${fixed3(q[i].multilingual.recall['10'])}`),
    row('nDCG@10 multilingual', (i) => fixed3(q[i].multilingual.ndcg10)),
    row('language bias (mean max-min rank)', (i) => (q[i].languageBias ? q[i].languageBias!.meanMaxMinRankGap.toFixed(1) : '-')),
  ];
  const table = formatTable(['Retrieval quality', ...columns.map((c) => c.name)], rows);
  return [table, ...notes].join('\n');
}

/** The terminal summary of a run; the full numbers are in the --json result. */
export function printRunSummary(result: RunResult, out: NodeJS.WritableStream): void {
  const d = result.dataset;
  const parts = [
    `${result.status === 'cancelled' ? 'CANCELLED run (partial results)' : 'Run'} ${result.id}`,
    `Dataset ${d.name}: ${d.languages.length} languages (${d.languages.join(' ')}), ${d.queryCount} queries, ${d.candidateCount} candidates`,
    `Machine ${result.machine.cpu.model}, ${result.machine.cpu.logicalCores} cores, Node ${result.machine.software.node}, onnxruntime ${result.machine.software.onnxruntime}`,
    '',
    qualitySection(result.models, result.lexicalFloor),
    ...result.models.flatMap((m) => ['', latencySection(m), ...(m.roofline ? [rooflineSection(m)] : [])]),
    ...result.comparisons.flatMap((c) => ['', `${c.candidate} vs ${c.baseline}`, c.summary]),
    ...(result.pairingNotes ?? []).map((note) => `pairing: ${note}`),
    ...(result.precision ?? []).flatMap((table) => {
      const t = precisionRows(table);
      return ['', `${t.title}. ${t.note}`, formatTable(t.header, t.rows)];
    }),
    ...(result.measurementQuality ? ['', `Measurement quality: ${result.measurementQuality.summary}`] : []),
    ...(result.noiseFloor ? ['', describeNoiseFloor(result.noiseFloor)] : []),
  ];
  for (const w of result.warnings) parts.push(`warning: ${w}`);
  out.write(`${parts.join('\n')}\n`);
}
