import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { csvLines, type CsvTrace } from '../../report/csv-report.ts';
import { renderHtmlReport } from '../../report/html/html-report.ts';
import { renderJsonReport } from '../../report/json-report.ts';
import { latencyTraces } from '../../report/latency-traces.ts';
import { renderMarkdownReport } from '../../report/markdown-report.ts';
import { printReportToPdf } from '../../report/pdf-report.ts';
import { loadRecordedSeries, loadRun, resolveRunRef } from '../../store/run-queries.ts';
import { loadReportRuns, withHistory } from '../../store/history-access.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

const FORMATS = ['html', 'json', 'csv', 'md', 'pdf'] as const;
type Format = (typeof FORMATS)[number];

const EXPORT_FLAGS = {
  format: { type: 'string' },
  out: { type: 'string' },
} as const;

function formatOf(flag: string | undefined, out: string): Format {
  const ext = path.extname(out).slice(1).toLowerCase();
  const format = flag ?? (ext === 'markdown' ? 'md' : ext === 'htm' ? 'html' : ext);
  if (!(FORMATS as readonly string[]).includes(format)) {
    throw new CliUsageError(flag === undefined ? `--format is needed: ${FORMATS.join(', ')} (or an --out file ending in one of them)` : `--format must be ${FORMATS.join(', ')}; got "${flag}"`);
  }
  return format as Format;
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
    await withHistory(async ({ db }) => {
      const traces: CsvTrace[] = operands.flatMap((ref) => {
        const run = loadRun(db, resolveRunRef(db, ref));
        if (run.result) {
          return latencyTraces(run.result).map((t) => ({ runId: run.id, model: t.model.name, scenario: t.scenario, batchSize: t.batchSize, samples: t.samples }));
        }
        return loadRecordedSeries(db, run.id).map((s) => ({ runId: run.id, model: s.model, scenario: run.config.scenario.kind, batchSize: s.batchSize === 0 ? null : s.batchSize, samples: s.samples }));
      });
      await writeCsv(out, traces);
    });
  } else {
    const runs = await withHistory(({ db }) => loadReportRuns(db, operands, 'export as a report (csv exports the samples of any run)'));
    if (format === 'json') await writeOut(out, renderJsonReport(runs));
    else if (format === 'md') await writeOut(out, renderMarkdownReport(runs));
    else if (format === 'html') await writeOut(out, renderHtmlReport(runs));
    else await printReportToPdf(renderHtmlReport(runs), out);
  }
  if (out !== '-') process.stderr.write(`Wrote ${out}\n`);
  return 0;
}

