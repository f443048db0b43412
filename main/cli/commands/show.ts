import { summarizeStages } from '../../engine/latency/stage-breakdown.ts';
import { formatMs } from '../../report/format-numbers.ts';
import { loadRecordedSeries, loadRun, resolveRunRef, type StoredRun } from '../../store/run-queries.ts';
import { withHistory } from '../../store/history-access.ts';
import { printRunSummary, qualitySection } from '../run-summary.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

function header(run: StoredRun): string {
  const p = run.machineProfile;
  return [
    `Run ${run.id}: ${run.state}${run.origin === 'imported' ? ' (imported)' : ''}`,
    `Machine ${run.machine.label} (${run.machine.id}): ${p.cpu.model}, ${p.cpu.logicalCores} cores`,
    `Started ${run.startedAt}${run.finishedAt ? `, finished ${run.finishedAt}` : ''}${run.origin === 'imported' ? `; imported ${run.recordedAt}` : ''}`,
    ...(run.dateWarning ? [`Warning: ${run.dateWarning}.`] : []),
    ...(run.error ? [`Error: ${run.error}`] : []),
  ].join('\n');
}

const STATE_NOTE: Record<string, string> = {
  incomplete: 'The run stopped without finishing (killed, or its machine went down): these are the samples it recorded.',
  running: 'The run is still in progress: these are the samples recorded so far.',
  failed: 'The run failed: these are the samples it recorded before the error.',
};

export async function runShowCommand(args: string[]): Promise<number> {
  const { operands } = parseFlagsAndOperands(args, {});
  if (operands.length !== 1) throw new CliUsageError('xlir show takes one run id (see "xlir history"), or "last"');
  await withHistory(({ db }) => {
    const run = loadRun(db, resolveRunRef(db, operands[0]));
    process.stdout.write(`${header(run)}\n\n`);
    if (run.result) {
      printRunSummary(run.result, process.stdout);
      return;
    }
    const series = loadRecordedSeries(db, run.id);
    process.stdout.write(`${STATE_NOTE[run.state] ?? ''}\n`);
    if (run.lexicalFloor || run.models.some((m) => m.quality)) {
      process.stdout.write(`\nRetrieval quality measured before the run ${run.state === 'running' ? 'reached its latency phase' : 'stopped'}:\n${qualitySection(run.models, run.lexicalFloor)}\n\n`);
    }
    if (series.length === 0) {
      process.stdout.write('No latency samples were recorded.\n');
      return;
    }
    const rows = series.map((s) => {
      const total = summarizeStages(s.samples)?.total;
      return [s.model, s.batchSize === 0 ? '-' : s.batchSize, s.samples.length, formatMs(total?.p50Ms), formatMs(total?.p90Ms), formatMs(total?.p99Ms), formatMs(total?.meanMs), formatMs(total?.maxMs)];
    });
    process.stdout.write(`${formatTable(['model', 'batch', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'mean ms', 'max ms'], rows)}\n`);
  });
  return 0;
}
