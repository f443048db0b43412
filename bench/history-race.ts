// Processes creating one brand-new history at the same moment (issue 12): trials × processes at the
// library level (openHistory in long-lived workers, sent the same new file at once) and at the CLI
// level (`xlir history` started together on a new XLIR_HOME). Prints the failures of each kind.
// Not a test (test/store/history-race.test.ts is); this one runs more trials and reports counts.
//   node bench/history-race.ts [--processes 4] [--trials 20]
import { parseArgs } from 'node:util';
import { raceCliHistory, startHistoryOpeners } from '../test/store/history-race.ts';
import { tempHistoryFile } from '../test/store/temp-history.ts';

const { values } = parseArgs({ options: { processes: { type: 'string', default: '4' }, trials: { type: 'string', default: '20' } } });
const processes = Number(values.processes);
const trials = Number(values.trials);

function report(level: string, answers: string[]): void {
  const failures = answers.filter((a) => a !== 'ok');
  const kinds = new Map<string, number>();
  for (const f of failures) kinds.set(f.replace(/\/tmp\/\S+/g, '<file>'), (kinds.get(f.replace(/\/tmp\/\S+/g, '<file>')) ?? 0) + 1);
  process.stdout.write(`${level}: ${failures.length} of ${answers.length} opens failed (${trials} trials × ${processes} processes)\n`);
  for (const [kind, n] of kinds) process.stdout.write(`  ${n} × ${kind.slice(0, 160)}\n`);
}

const openers = await startHistoryOpeners(processes);
const library: string[] = [];
for (let t = 0; t < trials; t++) library.push(...(await openers.race(tempHistoryFile())));
openers.close();
report('library (openHistory)', library);

const cli: string[] = [];
for (let t = 0; t < trials; t++) cli.push(...(await raceCliHistory(processes)));
report('CLI (xlir history)', cli);
