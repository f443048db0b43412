import { readReportFile, type ImportedRun } from '../../report/import-report.ts';
import { importRuns } from '../../store/import-runs.ts';
import { withHistory } from '../../store/history-access.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

export async function runImportCommand(args: string[]): Promise<number> {
  const { operands } = parseFlagsAndOperands(args, {});
  if (operands.length === 0) throw new CliUsageError('xlir import takes one or more report files (from "xlir export --format json" or "xlir run --json")');
  // Every file is read and validated before anything is written: a bad file imports nothing.
  const files: { file: string; runs: ImportedRun[] }[] = [];
  for (const file of operands) files.push({ file, runs: await readReportFile(file) });
  await withHistory(
    ({ db }) => {
      for (const { file, runs } of files) {
        const outcomes = importRuns(db, runs);
        outcomes.forEach((o, i) => {
          const label = runs[i].label ? ` "${runs[i].label}"` : '';
          const what = o.outcome === 'imported' ? 'imported' : 'already in the history, skipped:';
          process.stdout.write(`${file}: ${what} run ${o.runId.slice(0, 8)} (${runs[i].result.models.map((m) => m.name).join(', ')}) from machine ${o.machineId}${label}\n`);
          for (const w of o.warnings) process.stderr.write(`warning: ${file}: ${w}\n`);
        });
      }
    },
    { verify: true },
  );
  return 0;
}
