import type { ReportFormat } from '../contract/app-api.ts';
import type { HistoryDb } from '../store/open-history.ts';
import { loadRecordedSeries, loadRun, resolveRunRef } from '../store/run-queries.ts';
import type { CsvTrace } from './csv-report.ts';
import { renderHtmlReport } from './html/html-report.ts';
import { renderJsonReport } from './json-report.ts';
import { latencyTraces } from './latency-traces.ts';
import { renderMarkdownReport } from './markdown-report.ts';
import type { ReportRun } from './report-run.ts';

/** What `xlir export` and the app's export both say when a report needs a finished run. */
export const REPORT_PURPOSE = 'export as a report (csv exports the samples of any run)';

export const REPORT_MEDIA_TYPES: Readonly<Record<ReportFormat, string>> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  pdf: 'application/pdf',
};

/**
 * The traces of the runs `refs` name, for the CSV: a finished run's from its result, an
 * unfinished one's from the samples it recorded (a killed run still exports what it measured).
 */
export function historyCsvTraces(db: HistoryDb, refs: readonly string[]): CsvTrace[] {
  return refs.flatMap((ref) => {
    const run = loadRun(db, resolveRunRef(db, ref));
    if (run.result) {
      return latencyTraces(run.result).map((t) => ({ runId: run.id, model: t.model.name, scenario: t.scenario, batchSize: t.batchSize, samples: t.samples }));
    }
    return loadRecordedSeries(db, run.id).map((s) => ({ runId: run.id, model: s.model, scenario: run.config.scenario.kind, batchSize: s.batchSize === 0 ? null : s.batchSize, samples: s.samples }));
  });
}

/** Finished runs as one document in a text format (pdf prints the html one). */
export function renderReportText(runs: readonly ReportRun[], format: 'html' | 'json' | 'md'): string {
  if (format === 'json') return renderJsonReport(runs);
  if (format === 'md') return renderMarkdownReport(runs);
  return renderHtmlReport(runs);
}
