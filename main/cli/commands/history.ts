import { formatMs, formatQps, formatScore } from '../../report/format-numbers.ts';
import { listRuns, type RunListing } from '../../store/run-queries.ts';
import { withHistory } from '../../store/history-access.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError, parseFlags, parseNumber } from '../usage.ts';

const HISTORY_FLAGS = {
  machine: { type: 'string' },
  model: { type: 'string' },
  dataset: { type: 'string' },
  limit: { type: 'string' },
  json: { type: 'boolean' },
} as const;

function datasetText(r: RunListing): string {
  return `${r.dataset}${r.languages ? ` ${r.languages.join(',')}` : ''}${r.maxQueries ? ` ${r.maxQueries}/lang` : ''}`;
}

/** One row per model of each run; the run's own columns on its first row only. */
function historyTable(runs: RunListing[]): string {
  const rows = runs.flatMap((r) => {
    const head = [r.id.slice(0, 8), `${r.startedAt.slice(0, 16).replace('T', ' ')}${r.dateWarning ? ' (date?)' : ''}`, r.machine.label, r.state, datasetText(r), r.scenario];
    const blank = head.map(() => '');
    if (r.models.length === 0) return [[...head, '-', 0, '-', '-', '-', '-']];
    return r.models.map((m, i) => [...(i === 0 ? head : blank), m.name, m.samples, formatMs(m.p50Ms), formatMs(m.p99Ms), formatQps(m.throughputQps), formatScore(m.mapMultilingual)]);
  });
  return formatTable(['run', 'started (UTC)', 'machine', 'state', 'dataset', 'scenario', 'model', 'samples', 'p50 ms', 'p99 ms', 'q/s', 'mAP'], rows);
}

export async function runHistoryCommand(args: string[]): Promise<number> {
  const f = parseFlags(args, HISTORY_FLAGS);
  const limit = parseNumber('limit', f.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new CliUsageError(`--limit expects a positive whole number, got "${f.limit}"`);
  const runs = await withHistory(({ db }) =>
    listRuns(db, {
      ...(f.machine !== undefined && { machine: f.machine }),
      ...(f.model !== undefined && { model: f.model }),
      ...(f.dataset !== undefined && { dataset: f.dataset }),
      limit: limit ?? (f.json ? undefined : 50),
    }),
  );
  if (f.json) {
    process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
    return 0;
  }
  if (runs.length === 0) {
    process.stdout.write(f.machine || f.model || f.dataset ? 'No run matches.\n' : 'No runs yet: "xlir run" records every run here.\n');
    return 0;
  }
  process.stdout.write(`${historyTable(runs)}\n`);
  for (const r of runs.filter((run) => run.dateWarning)) process.stdout.write(`(date?) run ${r.id.slice(0, 8)}: ${r.dateWarning}\n`);
  if (limit === undefined && runs.length === 50) process.stdout.write('(the 50 latest; --limit N shows more)\n');
  return 0;
}
