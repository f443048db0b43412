import type { LatencySummary } from '../../engine/latency/summary.ts';
import { stageShares } from '../../engine/latency/stage-breakdown.ts';
import type { QualityResult } from '../../engine/metrics/quality-result.ts';
import type { Comparison, ModelRun, RunResult } from '../../engine/run/run-result.ts';
import { toolVersion } from '../../engine/run/tool-version.ts';
import { describeCandidateInput } from '../candidate-input.ts';
import { compareRuns, type RunsComparison } from '../compare-runs.ts';
import { comparisonTable } from '../comparison-table.ts';
import { formatGiB, formatMs, formatPoints, formatQps, formatScore, formatShare, formatTime, qualitySettingName } from '../format-numbers.ts';
import { latencyTraces, type LatencyTrace } from '../latency-traces.ts';
import { describeNoiseFloor, interleavingNote, latencyMethodNote } from '../measurement-notes.ts';
import { precisionRows } from '../precision-rows.ts';
import type { ReportRun } from '../report-run.ts';
import { heatKey, heatMap } from './heat-map.ts';
import { histogramChart } from './histogram-chart.ts';
import { REPORT_CSS } from './report-style.ts';
import { html, styleSheet, type HtmlValue, type SafeHtml } from './safe-html.ts';
import { machinesTable } from '../machines-table.ts';
import { rooflinePlotOfComparison, rooflinePlotOfRuns } from '../roofline-plot.ts';
import { ceilingsLine, operatorShareTable, rooflineTable, workLine } from '../roofline-tables.ts';
import { rooflineChart } from './roofline-chart.ts';
import { stageBars } from './stage-bars.ts';
import { traceChart } from './trace-chart.ts';

/**
 * Nothing may load or run: no scripts, no fetches, no fonts; inline styles and `data:` images only.
 * A report from an untrusted source, opened in a browser or the app, can show text and nothing more.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const table = (header: HtmlValue[], rows: HtmlValue[][], numeric: (column: number) => boolean = (c) => c > 0) =>
  html`<div class="table-wrap"><table><thead><tr>${header.map((h, c) => html`<th${numeric(c) ? html` class="num"` : ''}>${h}</th>`)}</tr></thead>
<tbody>${rows.map((r) => html`<tr>${r.map((cell, c) => html`<td${numeric(c) ? html` class="num"` : ''}>${cell}</td>`)}</tr>`)}</tbody></table></div>`;

function statusBadge(status: string): SafeHtml {
  return html`<span class="badge ${status}">${status}</span>`;
}

function summaryCards(result: RunResult): SafeHtml {
  const cards = result.models.map((m) => {
    const trace = latencyTraces({ ...result, models: [m] })[0];
    const total = trace?.stages?.total;
    return html`<div class="metric">
<h3>${m.name}</h3>
<div class="muted">${m.manifest.checkpoint} · ${m.manifest.family} · ${m.provider.actual}${m.provider.intraOpThreads ? `, ${m.provider.intraOpThreads} threads` : ''}</div>
<div class="big">${formatMs(total?.p50Ms)} ms <span class="muted">p50${trace?.batchSize ? ` per batch of ${trace.batchSize}` : ''}</span></div>
<dl>
<dt>p99</dt><dd>${formatMs(total?.p99Ms)} ms</dd>
<dt>throughput</dt><dd>${formatQps(trace?.throughputQps)} q/s</dd>
<dt>mAP multilingual</dt><dd>${formatScore(m.quality?.multilingual.map)}</dd>
<dt>mAP cross-lingual</dt><dd>${formatScore(m.quality?.crossLingual?.map)}</dd>
</dl>
</div>`;
  });
  return html`<div class="cards">${cards}</div>`;
}

/** The measurement-quality line, and an A/A run's noise floor. */
function measurementSection(result: RunResult): SafeHtml {
  const q = result.measurementQuality;
  const line = q
    ? html`<p class="quality ${q.level}"><strong>Measurement quality:</strong> <span class="badge ${q.level}">${q.level}</span> ${q.summary.slice(q.level.length + 2)}${q.level === 'busy' ? ' A latency difference measured then is reported as inconclusive.' : ''}</p>`
    : html`<p class="muted">Measurement quality: not monitored (a run recorded before this version).</p>`;
  const floor = result.noiseFloor;
  return html`${line}${
    floor
      ? html`<section class="card"><h3>Noise floor (A/A calibration)</h3><p>${describeNoiseFloor(floor)}.</p>${table(
          ['rounds', 'seconds', 'resolvable difference'],
          floor.lengths.map((l) => [l.rounds, l.seconds.toFixed(0), formatShare(l.resolvable)]),
        )}<p class="muted">Resolvable: detected 4 times in 5 at 95% confidence, from the spread of the per-round A/A ratios.</p></section>`
      : ''
  }`;
}

function verdictSection(result: RunResult): SafeHtml {
  if (result.comparisons.length === 0) {
    const why = result.status !== 'completed' ? 'the run did not complete' : 'it needs a baseline and a hybrid of one family, or exactly two models';
    return html`<section class="card"><h3>Baseline vs hybrid</h3><p class="muted">No comparison in this run: ${why}.</p></section>`;
  }
  return html`${result.comparisons.map((c) => comparisonCard(c))}`;
}

function comparisonCard(c: Comparison): SafeHtml {
  return html`<section class="card">
<h3>${c.candidate} vs ${c.baseline}</h3>
<div class="verdict"><strong>Latency:</strong> ${c.latency ? c.latency.verdict : 'not comparable (no samples on one side)'}</div>
${c.latency ? html`<p class="muted">${latencyMethodNote(c.latency)}</p>` : ''}
${
  c.quality.length > 0
    ? table(
        ['setting', `mAP ${c.baseline}`, `mAP ${c.candidate}`, 'difference (points)', '95% CI', 'p', 'verdict'],
        c.quality.map((q) => [qualitySettingName(q.setting), formatScore(q.baseline), formatScore(q.candidate), formatPoints(q.difference), `${formatPoints(q.ciLow)} to ${formatPoints(q.ciHigh)}`, q.pValue.toFixed(3), q.verdict]),
        (col) => col > 0 && col < 6,
      )
    : html`<p class="muted">Quality not compared (measured for only one of the two, or for neither).</p>`
}
${
  c.languageBias
    ? html`<p>Language bias (mean max−min rank of the relevant candidates, lower is better): ${c.languageBias.baseline.toFixed(1)} → ${c.languageBias.candidate.toFixed(1)} (95% CI of the difference ${c.languageBias.ciLow.toFixed(1)} to ${c.languageBias.ciHigh.toFixed(1)}).</p>`
    : ''
}
</section>`;
}

function precisionSection(result: RunResult): SafeHtml {
  return html`${(result.precision ?? []).map((p) => {
    const t = precisionRows(p);
    return html`<section class="card"><h3>${t.title}</h3>${table(t.header, t.rows, (c) => c > 1)}<p class="muted">${t.note}</p></section>`;
  })}`;
}

function qualitySection(result: RunResult): SafeHtml {
  const columns: { name: string; q: QualityResult }[] = result.models.flatMap((m) => (m.quality ? [{ name: m.name, q: m.quality }] : []));
  if (result.lexicalFloor) columns.push({ name: 'TF-IDF char-3-gram floor', q: result.lexicalFloor });
  const notes = result.models.filter((m) => !m.quality && m.qualityNote).map((m) => html`<p class="muted">${m.name}: ${m.qualityNote}</p>`);
  if (columns.length === 0) return html`<h3>Retrieval quality</h3>${notes.length > 0 ? notes : html`<p class="muted">Not measured.</p>`}`;
  const row = (label: string, get: (q: QualityResult) => string) => [label, ...columns.map((c) => get(c.q))];
  const q0 = columns[0].q;
  return html`<h3>Retrieval quality per setting</h3>
${table(
  ['', ...columns.map((c) => c.name)],
  [
    row(`mAP monolingual (${q0.monolingual?.pairs ?? 0} pairs)`, (q) => formatScore(q.monolingual?.map)),
    row(`mAP cross-lingual (${q0.crossLingual?.pairs ?? 0} pairs)`, (q) => formatScore(q.crossLingual?.map)),
    row(`mAP multilingual (${q0.multilingual.queries} queries)`, (q) => formatScore(q.multilingual.map)),
    row('Recall@1 / @5 / @10 multilingual', (q) => `${formatScore(q.multilingual.recall['1'])} / ${formatScore(q.multilingual.recall['5'])} / ${formatScore(q.multilingual.recall['10'])}`),
    row('nDCG@10 multilingual', (q) => formatScore(q.multilingual.ndcg10)),
    row('language bias: mean max−min rank', (q) => (q.languageBias ? q.languageBias.meanMaxMinRankGap.toFixed(1) : '-')),
    row('same language ranked first', (q) => formatShare(q.languageBias?.sameLanguageFirstRate)),
  ],
)}
<p class="muted">${q0.queryCount} queries and ${q0.candidateCount} candidates in ${q0.languages.join(', ')}; ties ranked ${q0.ties}. Definitions: main/engine/metrics/DEFINITIONS.md.</p>
${notes}`;
}

function matrixSection(result: RunResult): SafeHtml {
  const maps = result.models.flatMap((m) => (m.quality && m.quality.pairMatrix.languages.length > 0 ? [heatMap(m.quality.pairMatrix, `${m.name}: mAP per query → candidate language`)] : []));
  if (maps.length === 0) return html``;
  if (result.lexicalFloor && result.lexicalFloor.pairMatrix.languages.length > 0) maps.push(heatMap(result.lexicalFloor.pairMatrix, 'TF-IDF char-3-gram floor'));
  return html`<h3>Cross-lingual matrix</h3>${heatKey()}<div class="heats">${maps}</div>`;
}

const PERCENTILE_HEADER = ['', 'stage', 'n', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'std', 'min', 'max'];

function percentileRow(name: string, stage: string, s: LatencySummary): HtmlValue[] {
  return [name, stage, s.count, formatMs(s.p50Ms), formatMs(s.p90Ms), formatMs(s.p95Ms), formatMs(s.p99Ms), formatMs(s.p999Ms), formatMs(s.meanMs), formatMs(s.stdDevMs), formatMs(s.minMs), formatMs(s.maxMs)];
}

function scenarioNote(m: ModelRun): string {
  const l = m.latency;
  if (l.scenario === 'server') return `${m.name}: offered ${l.targetQps} q/s, completed ${formatQps(l.completedQps)} q/s, load ${l.offeredLoad?.toFixed(2) ?? '-'}, ${l.keptUp ? 'kept up' : 'did NOT keep up'}${interleavingNote(l)}${l.cancelled ? ' (cancelled)' : ''}`;
  if (l.scenario === 'single-stream') return `${m.name}: throughput ${formatQps(l.throughputQps)} q/s${interleavingNote(l)}${l.cancelled ? ' (cancelled)' : ''}`;
  return `${m.name}: ${l.runs.map((r) => `batch ${r.batchSize}: ${formatQps(r.queriesPerSecond)} q/s`).join(', ')}${interleavingNote(l)}${l.cancelled ? ' (cancelled)' : ''}`;
}

function latencyGroup(title: string, traces: LatencyTrace[]): SafeHtml {
  const perBatch = traces[0].batchSize !== null;
  const unit = perBatch ? `total latency per batch of ${traces[0].batchSize} (ms)` : 'total latency per query (ms)';
  const series = traces.map((t) => ({ name: t.model.name, values: t.samples.map((s) => s.totalMs) }));
  const rows = traces.flatMap((t) => {
    if (!t.stages) return [[t.model.name, 'total', 0, '-', '-', '-', '-', '-', '-', '-', '-', '-']];
    const s = t.stages;
    return [percentileRow(t.model.name, 'total', s.total), percentileRow('', 'tokenize', s.tokenize), percentileRow('', 'encode', s.encode), percentileRow('', 'search', s.search), ...(s.queue ? [percentileRow('', 'queue', s.queue)] : [])];
  });
  const shares = traces.flatMap((t) => {
    const shares = stageShares(t.samples);
    return shares ? [{ name: t.model.name, shares }] : [];
  });
  const byLanguage = traces.flatMap((t) => (t.model.latency.scenario !== 'offline' && t.batchSize === null ? [{ name: t.model.name, groups: t.model.latency.byLanguage }] : []));
  const langs = [...new Set(byLanguage.flatMap((b) => b.groups.map((g) => g.lang)))].sort();
  return html`<h3>${title}</h3>
<div class="charts">${histogramChart(series, { xTitle: unit, unit: perBatch ? 'batch' : 'query' })}${traceChart(series, { unit: perBatch ? 'batch' : 'query' })}</div>
${table(PERCENTILE_HEADER, rows, (c) => c > 1)}
<p class="muted">Milliseconds; percentiles by nearest rank over every measured ${perBatch ? 'batch' : 'query'} (warm-up excluded).</p>
${stageBars(shares)}
${
  langs.length > 0
    ? html`<h3>p50 by query language (ms)</h3>${table(['model', ...langs], byLanguage.map((b) => [b.name, ...langs.map((l) => formatMs(b.groups.find((g) => g.lang === l)?.summary.p50Ms))]))}`
    : ''
}`;
}

function latencySection(result: RunResult): SafeHtml {
  const traces = latencyTraces(result);
  if (traces.length === 0) return html`<h3>Latency</h3><p class="muted">No latency measured.</p>`;
  const groups = new Map<number | null, LatencyTrace[]>();
  for (const t of traces) groups.set(t.batchSize, [...(groups.get(t.batchSize) ?? []), t]);
  const scenario = result.config.scenario.kind;
  return html`<h2 class="sub">Latency (${scenario})</h2>
${[...groups].map(([batch, ts]) => latencyGroup(batch === null ? 'Latency per query' : `Offline, batches of ${batch}`, ts))}
${result.models.map((m) => html`<p class="muted">${scenarioNote(m)}</p>`)}`;
}

function machineSection(run: ReportRun): SafeHtml {
  const m = run.result.machine;
  const entries: [string, HtmlValue][] = [
    ['label', run.machine.label],
    ['machine id', run.machine.id],
    ['host name', m.hostname],
    ['CPU', `${m.cpu.model}: ${m.cpu.logicalCores} logical cores${m.cpu.physicalCores ? `, ${m.cpu.physicalCores} physical` : ''}`],
    ['CPU features', m.cpu.flags.join(' ') || '-'],
    ['memory', formatGiB(m.memoryBytes)],
    ['GPUs', m.gpus.length > 0 ? m.gpus.map((g) => `${g.name}${g.memoryMiB ? ` (${g.memoryMiB} MiB` : ' ('}${g.driver ? `, driver ${g.driver}` : ''})`).join('; ') : (m.gpuNote ?? 'none')],
    ['OS', `${m.os.platform} ${m.os.release} (${m.os.arch})`],
    ['software', `Node ${m.software.node}, onnxruntime ${m.software.onnxruntime}, V8 ${m.software.v8}`],
  ];
  return html`<h3>Machine</h3><dl class="profile">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function configSection(result: RunResult): SafeHtml {
  const c = result.config;
  const s = c.scenario;
  const scenario = [
    s.kind,
    `warm-up ${s.warmupQueries}`,
    `at least ${s.minQueries} queries and ${s.minDurationMs / 1000} s`,
    `${s.rounds} rounds (with several models)`,
    ...(s.kind === 'offline' ? [`batch sizes ${s.batchSizes.join(', ')}`] : []),
    ...(s.kind === 'server' ? [`${s.targetQps} q/s Poisson arrivals`] : []),
  ].join('; ');
  const entries: [string, HtmlValue][] = [
    ['dataset', `${result.dataset.name}: ${result.dataset.languages.join(', ')}; ${result.dataset.queryCount} queries, ${result.dataset.candidateCount} candidates${c.dataset.maxQueries ? ` (subset of ${c.dataset.maxQueries} questions per language)` : ''}`],
    ['scenario', scenario],
    ['providers', `${c.provider.executionProviders.join(', ')}; intra-op threads ${c.provider.intraOpThreads ?? 'default'}, inter-op ${c.provider.interOpThreads ?? 'default'}; graph optimisation ${c.provider.graphOptimizationLevel}`],
    ['seed, bootstrap', `${c.seed}, ${c.bootstrapResamples} resamples`],
    ['models', result.models.map((m) => `${m.name} (sha256 ${m.model.sha256.slice(0, 12)}…, ${(m.model.bytes / 2 ** 20).toFixed(1)} MiB)`).join('; ') || '-'],
    ['candidate input', describeCandidateInput(result)],
    ['started, finished', `${formatTime(result.startedAt)} → ${formatTime(result.finishedAt)}`],
    ['tool', `${result.tool.name} ${result.tool.version}, result format ${result.version}`],
  ];
  return html`<h3>Configuration</h3><dl class="profile">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function rooflineSection(run: ReportRun): SafeHtml {
  const models = run.result.models.filter((m) => m.roofline);
  if (models.length === 0) return html``;
  const efficiency = rooflineTable(models);
  const operators = operatorShareTable(models);
  const mine = (run.sweeps ?? []).filter((s) => s.machine.id === run.machine.id && models.some((m) => m.name === s.result.model.name));
  return html`<h2 class="sub">Roofline</h2>
${rooflineChart(rooflinePlotOfRuns([run], mine), { caption: `Achieved GFLOP/s per batch size × token count${mine.length > 0 ? `, with ${mine.length} sweep${mine.length > 1 ? 's' : ''} of the same model${mine.length > 1 ? 's' : ''} on this machine` : ''}` })}
${models.map((m) => html`<p><strong>${m.name}</strong>: ${workLine(m.roofline!)}.<br><span class="muted">Ceilings: ${ceilingsLine(m.roofline!)}.</span></p>`)}
${table(efficiency.header, efficiency.rows, (c) => c > 1 && c !== 7)}
${
  operators.rows.length > 0
    ? html`<h3>Where a graph run goes</h3><p class="muted">ONNX Runtime's profiler, on a separate session run after the measurement (the measured latency was never profiled); shares of the profiled run time.</p>${table(operators.header, operators.rows, (c) => c > 0)}`
    : ''
}
${models.flatMap((m) => m.roofline!.notes.map((n) => html`<p class="muted">${m.name}: ${n}</p>`))}`;
}

function runSection(run: ReportRun, index: number): SafeHtml {
  const r = run.result;
  return html`<section id="run-${index + 1}">
<h2>Run ${r.id.slice(0, 8)} ${statusBadge(r.status)}</h2>
<p class="muted">${run.machine.label} · ${formatTime(r.startedAt)} · ${r.dataset.name} (${r.dataset.languages.join(', ')}), ${r.dataset.queryCount} queries · ${r.config.scenario.kind} · id ${r.id}</p>
${summaryCards(r)}
${measurementSection(r)}
${verdictSection(r)}
${(r.pairingNotes ?? []).map((n) => html`<p class="muted">Pairing: ${n}</p>`)}
${precisionSection(r)}
${qualitySection(r)}
${matrixSection(r)}
${latencySection(r)}
${rooflineSection(run)}
<h2 class="sub">Machine and configuration</h2>
${machineSection(run)}
${configSection(r)}
${r.warnings.length > 0 ? html`<h3>Warnings</h3><ul class="warnings">${r.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
</section>`;
}

function crossRunSection(comparison: RunsComparison): SafeHtml {
  return html`<section id="comparison">
<h2>Runs compared</h2>
<p class="muted">Each column against the first: ratios in brackets; latency intervals by bootstrap (${comparison.method.resamples} resamples, ${Math.round(comparison.method.confidence * 100)}% confidence). "Beyond noise" is beyond the query-to-query noise of the two traces; repeat runs to see how much a machine varies from run to run.</p>
${comparison.notes.map((n) => html`<p class="muted">${n}</p>`)}
${machinesSection(comparison)}
${comparison.groups.map((g) => {
  const t = comparisonTable(g, comparison.method.practicalThreshold);
  return html`<h3>${g.title}</h3>${table(['', ...t.header], t.rows.map((r) => [r.label, ...r.cells]), () => false)}`;
})}
</section>`;
}

function machinesSection(comparison: RunsComparison): SafeHtml {
  const machines = machinesTable(comparison);
  if (!machines) return html``;
  return html`<h3>Machines × models</h3>
<p class="muted">Each run against its own machine's ceilings (peak MatMul rate, read bandwidth, measured with the run's provider and threads); the latency verdict is against the reference, the first run.</p>
${table(machines.header, machines.rows, (c) => c >= 3 && c <= 9)}
${rooflineChart(rooflinePlotOfComparison(comparison), { caption: 'Each compared trace under its own machine’s ceilings' })}`;
}

/** One self-contained HTML file for one or more runs: inline CSS and SVG, no script, a CSP that forbids loading anything. */
export function renderHtmlReport(runs: readonly ReportRun[], options: { generatedAt?: Date; comparison?: RunsComparison } = {}): string {
  const comparison = runs.length > 1 ? (options.comparison ?? compareRuns(runs)) : null;
  const title = runs.length === 1 ? `XLIR Bench: ${runs[0].result.models.map((m) => m.name).join(' vs ')} on ${runs[0].machine.label}` : `XLIR Bench: ${runs.length} runs`;
  const body = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${styleSheet(REPORT_CSS)}</style>
</head>
<body>
<main>
<header class="report">
<h1>${title}</h1>
<p class="muted">Latency per query and retrieval quality of multilingual sentence encoders. ${runs.length} run${runs.length > 1 ? 's' : ''}: ${runs.map((r, i) => html`${i > 0 ? ', ' : ''}${r.result.id.slice(0, 8)} on ${r.machine.label}`)}.</p>
</header>
${comparison ? crossRunSection(comparison) : ''}
${runs.map((r, i) => runSection(r, i))}
<footer>Generated ${formatTime((options.generatedAt ?? new Date()).toISOString())} by xlir-bench ${toolVersion()}. A self-contained file: it loads nothing from anywhere and runs no script.</footer>
</main>
</body>
</html>
`;
  return body.toString();
}
