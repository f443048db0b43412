import { comparisonTable } from '../../report/comparison-table.ts';
import { compareStoredRuns, type StoredRunSelection } from '../../report/compare-stored-runs.ts';
import { machinesTable } from '../../report/machines-table.ts';
import { withHistory } from '../../store/history-access.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError, parseFlagsAndOperands, parseNumber } from '../usage.ts';

const COMPARE_FLAGS = {
  resamples: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** "1a2b3c4d:e5-small" → the run and one of its models; a model name cannot contain ":". */
function splitSelector(operand: string): StoredRunSelection {
  const at = operand.indexOf(':');
  return at < 0 ? { ref: operand } : { ref: operand.slice(0, at), model: operand.slice(at + 1) };
}

export async function runCompareCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands(args, COMPARE_FLAGS);
  if (operands.length < 2) throw new CliUsageError('xlir compare takes two or more runs (RUN or RUN:MODEL; ids from "xlir history")');
  const resamples = parseNumber('resamples', flags.resamples) ?? 1000;
  if (!Number.isInteger(resamples) || resamples < 100 || resamples > 100_000) throw new CliUsageError(`--resamples expects a whole number from 100 to 100000, got "${flags.resamples}"`);
  const selections = operands.map(splitSelector);
  const comparison = await withHistory(({ db }) => compareStoredRuns(db, selections, { resamples }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(comparison, null, 2)}\n`);
    return 0;
  }
  const parts: string[] = [];
  for (const note of comparison.notes) parts.push(`note: ${note}`);
  const machines = machinesTable(comparison);
  if (machines) parts.push('', "Machines × models, each against its own machine's ceilings (peak MatMul rate, read bandwidth):", formatTable(machines.header, machines.rows));
  for (const group of comparison.groups) {
    const t = comparisonTable(group, comparison.method.practicalThreshold);
    parts.push('', group.title, formatTable(['', ...t.header], t.rows.map((r) => [r.label, ...r.cells])));
    for (const e of group.entries.slice(1)) {
      if (e.vsReference) parts.push(`${e.label}: ${e.vsReference.workload.note}`);
      if (e.vsReference?.latency) parts.push(`${e.runId.slice(0, 8)}: ${e.vsReference.latency.verdict}`);
    }
  }
  parts.push(
    '',
    `Ratios are against the first column. Latency intervals: bootstrap, ${comparison.method.resamples} resamples, 95%; "beyond noise" is beyond the query-to-query noise of the two traces (repeat runs to see how much a machine varies between runs). Quality: per-query AP is not kept, so mAP across runs is compared as values.`,
  );
  process.stdout.write(`${parts.join('\n').trimStart()}\n`);
  return 0;
}
