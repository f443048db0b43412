import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { REPORT_FORMATS, type ReportFormat } from '../../contract/app-api.ts';
import { csvLines, type CsvTrace } from '../../report/csv-report.ts';
import { renderHtmlReport } from '../../report/html/html-report.ts';
import { printReportToPdf } from '../../report/pdf-report.ts';
import { redactReportRun } from '../../report/redact-run.ts';
import { historyCsvTraces, renderReportText, REPORT_PURPOSE } from '../../report/render-report.ts';
import { loadReportRuns, withHistory } from '../../store/history-access.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

const EXPORT_FLAGS = {
  format: { type: 'string' },
  out: { type: 'string' },
  redact: { type: 'boolean' },
} as const;

function formatOf(flag: string | undefined, out: string): ReportFormat {
  const ext = path.extname(out).slice(1).toLowerCase();
  const format = flag ?? (ext === 'markdown' ? 'md' : ext === 'htm' ? 'html' : ext);
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new CliUsageError(flag === undefined ? `--format is needed: ${REPORT_FORMATS.join(', ')} (or an --out file ending in one of them)` : `--format must be ${REPORT_FORMATS.join(', ')}; got "${flag}"`);
  }
  return format as ReportFormat;
}

async function writeOut(out: string, text: string): Promise<void> {
  if (out === '-') process.stdout.write(text);
  else await writeFile(out, text);
}

/** CSV rows straight to the file, trace by trace: finished runs from their results, unfinished ones from what they recorded. */
async function writeCsv(out: string, traces: Iterable<CsvTrace>): Promise<void> {
  const stream = out === '-' ? process.stdout : createWriteStream(out);
  for (const line of csvLines(traces)) if (!stream.write(line)) await once(stream, 'drain');
  if (stream !== process.stdout) {
    stream.end();
    await once(stream, 'finish');
  }
}

export async function runExportCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands(args, EXPORT_FLAGS);
  if (operands.length === 0) throw new CliUsageError('xlir export takes one or more run ids (see "xlir history"), and --out FILE');
  if (flags.out === undefined) throw new CliUsageError('xlir export needs --out FILE ("-" for standard output)');
  const out = flags.out === '-' ? '-' : path.resolve(flags.out);
  const format = formatOf(flags.format, out);
  if (format === 'pdf' && out === '-') throw new CliUsageError('a PDF needs an --out file');

  if (format === 'csv') {
    await withHistory(({ db }) => writeCsv(out, historyCsvTraces(db, operands)));
  } else {
    const stored = await withHistory(({ db }) => loadReportRuns(db, operands, REPORT_PURPOSE));
    const runs = flags.redact ? stored.map((run) => redactReportRun(run)) : stored;
    if (format === 'pdf') await printReportToPdf(renderHtmlReport(runs), out);
    else await writeOut(out, renderReportText(runs, format));
  }
  if (out !== '-') process.stderr.write(`Wrote ${out}\n`);
  return 0;
}

