import type { LatencySummary } from '../engine/latency/summary.ts';
import type { QualityResult } from '../engine/metrics/quality-result.ts';
import type { ModelRun, RunResult } from '../engine/run/run-result.ts';
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
  const perLang = l.byLanguage.map((g) => `${g.lang} ${ms(g.summary.p50Ms)}`).join('  ');
  return `${title}\n${formatTable(PERCENTILE_HEADER, rows)}\n${rate}; p50 by query language: ${perLang}`;
}

function qualitySection(models: ModelRun[], lexicalFloor: QualityResult | null): string {
  const columns = [
    ...(lexicalFloor ? [{ name: 'TF-IDF floor', quality: lexicalFloor }] : []),
    ...models.flatMap((m) => (m.quality ? [{ name: m.name, quality: m.quality }] : [])),
  ];
  const notes = models.filter((m) => !m.quality && m.qualityNote).map((m) => `${m.name}: ${m.qualityNote}`);
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
    ...result.models.flatMap((m) => ['', latencySection(m)]),
    ...result.comparisons.flatMap((c) => ['', `${c.candidate} vs ${c.baseline}`, c.summary]),
  ];
  for (const w of result.warnings) parts.push(`warning: ${w}`);
  out.write(`${parts.join('\n')}\n`);
}
