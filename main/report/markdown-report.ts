import type { RunResult } from '../engine/run/run-result.ts';
import { toolVersion } from '../engine/run/tool-version.ts';
import { compareRuns, type RunsComparison } from './compare-runs.ts';
import { comparisonTable } from './comparison-table.ts';
import { formatGiB, formatMs, formatPoints, formatQps, formatScore, formatTime, qualitySettingName } from './format-numbers.ts';
import { latencyTraces, traceName } from './latency-traces.ts';
import { machinesTable } from './machines-table.ts';
import { precisionRows } from './precision-rows.ts';
import { describeNoiseFloor, latencyMethodNote } from './measurement-notes.ts';
import type { ReportRun } from './report-run.ts';
import { ceilingsLine, operatorShareTable, rooflineTable, workLine } from './roofline-tables.ts';

/**
 * Text from a run as inert Markdown: the characters that would start emphasis, code, links, HTML
 * or a table cell are backslash-escaped (`<` and `>` become entities, which every renderer shows
 * as text), line breaks become spaces. Only used mid-line, so list and heading markers are moot.
 */
export function mdText(value: string | number): string {
  return String(value)
    .replace(/[\r\n]+/g, ' ')
    .replace(/[\\`*_[\]|~#]/g, (c) => `\\${c}`)
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

function mdTable(header: (string | number)[], rows: (string | number)[][], numeric: (column: number) => boolean = (c) => c > 0): string {
  const align = header.map((_, i) => (numeric(i) ? '---:' : '---'));
  const line = (cells: (string | number)[]) => `| ${cells.map(mdText).join(' | ')} |`;
  return [line(header), `| ${align.join(' | ')} |`, ...rows.map(line)].join('\n');
}

function runMarkdown(run: ReportRun): string {
  const r: RunResult = run.result;
  const out: string[] = [];
  out.push(`## Run ${mdText(r.id)} (${mdText(r.status)})`, '');
  out.push(`Machine **${mdText(run.machine.label)}** (${mdText(run.machine.id)}): ${mdText(r.machine.cpu.model)}, ${r.machine.cpu.logicalCores} logical cores, ${formatGiB(r.machine.memoryBytes)}, ${mdText(r.machine.os.platform)} ${mdText(r.machine.os.arch)}${r.machine.gpus.length > 0 ? `, GPU ${mdText(r.machine.gpus.map((g) => g.name).join(', '))}` : ''}; Node ${mdText(r.machine.software.node)}, onnxruntime ${mdText(r.machine.software.onnxruntime)}.`, '');
  out.push(`Dataset ${mdText(r.dataset.name)} (${mdText(r.dataset.languages.join(', '))}): ${r.dataset.queryCount} queries, ${r.dataset.candidateCount} candidates. Scenario ${mdText(r.config.scenario.kind)}. ${mdText(formatTime(r.startedAt))} to ${mdText(formatTime(r.finishedAt))}.`, '');

  out.push(`Measurement quality: ${mdText(r.measurementQuality?.summary ?? 'not monitored (a run recorded before this version)')}`, '');
  if (r.noiseFloor) out.push(mdText(describeNoiseFloor(r.noiseFloor)), '');
  for (const c of r.comparisons) {
    out.push(`### ${mdText(c.candidate)} vs ${mdText(c.baseline)}`, '');
    out.push(`> **Latency:** ${mdText(c.latency?.verdict ?? 'not comparable (no samples on one side)')}`, '');
    if (c.latency) out.push(mdText(latencyMethodNote(c.latency)), '');
    if (c.quality.length > 0) {
      out.push(mdTable(['setting', 'baseline mAP', 'candidate mAP', 'difference (points)', '95% CI', 'p', 'verdict'], c.quality.map((q) => [qualitySettingName(q.setting), formatScore(q.baseline), formatScore(q.candidate), formatPoints(q.difference), `${formatPoints(q.ciLow)} to ${formatPoints(q.ciHigh)}`, q.pValue.toFixed(3), q.verdict]), (col) => col > 0 && col < 6), '');
    }
  }

  for (const p of r.precision ?? []) {
    const t = precisionRows(p);
    out.push(`### ${mdText(t.title)}`, '', mdTable(t.header, t.rows, (c) => c > 1), '', mdText(t.note), '');
  }

  const withQuality = r.models.filter((m) => m.quality);
  if (withQuality.length > 0) {
    const columns = [...withQuality.map((m) => ({ name: m.name, q: m.quality! })), ...(r.lexicalFloor ? [{ name: 'TF-IDF floor', q: r.lexicalFloor }] : [])];
    out.push('### Retrieval quality', '');
    out.push(
      mdTable(
        ['', ...columns.map((c) => c.name)],
        [
          ['mAP monolingual', ...columns.map((c) => formatScore(c.q.monolingual?.map))],
          ['mAP cross-lingual', ...columns.map((c) => formatScore(c.q.crossLingual?.map))],
          ['mAP multilingual', ...columns.map((c) => formatScore(c.q.multilingual.map))],
          ['Recall@10 multilingual', ...columns.map((c) => formatScore(c.q.multilingual.recall['10']))],
          ['nDCG@10 multilingual', ...columns.map((c) => formatScore(c.q.multilingual.ndcg10))],
        ],
      ),
      '',
    );
    for (const m of withQuality) {
      const pm = m.quality!.pairMatrix;
      if (pm.languages.length < 2) continue;
      out.push(`Cross-lingual mAP, ${mdText(m.name)} (row: query language, column: candidate language)`, '');
      out.push(mdTable(['', ...pm.languages], pm.map.map((row, i) => [pm.languages[i], ...row.map((v) => formatScore(v))])), '');
    }
  }
  for (const m of r.models.filter((x) => !x.quality && x.qualityNote)) out.push(`${mdText(m.name)}: ${mdText(m.qualityNote!)}`, '');

  const roofline = rooflineTable(r.models);
  if (roofline.rows.length > 0) {
    out.push('### Roofline', '');
    for (const m of r.models) if (m.roofline) out.push(`${mdText(m.name)}: ${mdText(workLine(m.roofline))}. Ceilings: ${mdText(ceilingsLine(m.roofline))}.`, '');
    out.push(mdTable(roofline.header, roofline.rows, (c) => c > 1 && c !== 7), '');
    const operators = operatorShareTable(r.models);
    if (operators.rows.length > 0) out.push('Where a graph run goes (ONNX Runtime profiler, separate session):', '', mdTable(operators.header, operators.rows), '');
  }

  const traces = latencyTraces(r);
  if (traces.length > 0) {
    out.push('### Latency (ms)', '');
    out.push(
      mdTable(
        ['trace', 'n', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'mean', 'max', 'q/s'],
        traces.map((t) => {
          const s = t.stages?.total;
          return [traceName(t), s?.count ?? 0, formatMs(s?.p50Ms), formatMs(s?.p90Ms), formatMs(s?.p95Ms), formatMs(s?.p99Ms), formatMs(s?.p999Ms), formatMs(s?.meanMs), formatMs(s?.maxMs), formatQps(t.throughputQps)];
        }),
      ),
      '',
    );
  }
  if (r.warnings.length > 0) out.push('### Warnings', '', ...r.warnings.map((w) => `- ${mdText(w)}`), '');
  return out.join('\n');
}

function comparisonMarkdown(comparison: RunsComparison): string {
  const out = ['## Runs compared', '', 'Each column against the first (ratios in brackets); "beyond noise" is beyond the query-to-query noise of the two traces.', ''];
  for (const note of comparison.notes) out.push(`_${mdText(note)}_`, '');
  const machines = machinesTable(comparison);
  if (machines) out.push("### Machines × models", '', "Each against its own machine's ceilings (peak MatMul rate, read bandwidth).", '', mdTable(machines.header, machines.rows, () => false), '');
  for (const g of comparison.groups) {
    const t = comparisonTable(g, comparison.method.practicalThreshold);
    out.push(`### ${mdText(g.title)}`, '', mdTable(['', ...t.header], t.rows.map((row) => [row.label, ...row.cells]), () => false), '');
  }
  return out.join('\n');
}

/** The report as Markdown: every figure of the HTML report but the charts. */
export function renderMarkdownReport(runs: readonly ReportRun[], options: { generatedAt?: Date; comparison?: RunsComparison } = {}): string {
  const parts = [`# XLIR Bench report`, '', `${runs.length} run${runs.length > 1 ? 's' : ''}, generated ${mdText(formatTime((options.generatedAt ?? new Date()).toISOString()))} by xlir-bench ${mdText(toolVersion())}.`, ''];
  if (runs.length > 1) parts.push(comparisonMarkdown(options.comparison ?? compareRuns(runs)));
  for (const run of runs) parts.push(runMarkdown(run));
  return `${parts.join('\n')}\n`;
}
