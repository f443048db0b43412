import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ExportedReport, ReportFormat } from '../contract/app-api.ts';
import { csvLines } from '../report/csv-report.ts';
import { renderHtmlReport } from '../report/html/html-report.ts';
import { printReportToPdf } from '../report/pdf-report.ts';
import { redactReportRun } from '../report/redact-run.ts';
import { historyCsvTraces, renderReportText, REPORT_MEDIA_TYPES, REPORT_PURPOSE } from '../report/render-report.ts';
import { loadReportRuns } from '../store/history-access.ts';
import type { HistoryDb } from '../store/open-history.ts';
import { resolveRunRef } from '../store/run-queries.ts';

type WithDb = <T>(fn: (db: HistoryDb) => T) => Promise<T>;

function exported(ids: readonly string[], format: ReportFormat, content: string, encoding: ExportedReport['encoding'] = 'utf8'): ExportedReport {
  return { fileName: `xlir-${ids.map((id) => id.slice(0, 8)).join('-')}.${format}`, mimeType: REPORT_MEDIA_TYPES[format], encoding, content };
}

/**
 * The runs as a report file's content, as `xlir export` writes it (csv also for unfinished runs;
 * pdf in base64). `redact`: without host name, absolute paths and user name (csv has none of them).
 */
export async function exportReport(withDb: WithDb, refs: readonly string[], format: ReportFormat, redact = false): Promise<ExportedReport> {
  if (format === 'csv') {
    return withDb((db) => {
      const ids = refs.map((ref) => resolveRunRef(db, ref));
      return exported(ids, format, [...csvLines(historyCsvTraces(db, ids))].join(''));
    });
  }
  const stored = await withDb((db) => loadReportRuns(db, refs, REPORT_PURPOSE));
  const ids = stored.map((r) => r.stored.id);
  const runs = redact ? stored.map((run) => redactReportRun(run)) : stored;
  if (format !== 'pdf') return exported(ids, format, renderReportText(runs, format));
  const dir = await mkdtemp(path.join(os.tmpdir(), 'xlir-export-'));
  try {
    const file = path.join(dir, 'report.pdf');
    await printReportToPdf(renderHtmlReport(runs), file);
    return exported(ids, format, (await readFile(file)).toString('base64'), 'base64');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
