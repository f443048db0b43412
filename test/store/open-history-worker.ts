// Child process of history-race.test.ts and bench/history-race.ts: for each history file named on
// a line of standard input, opens (creating) it, closes it, and answers "ok" or "error <message>".
import { createInterface } from 'node:readline';
import { openHistory } from '../../main/store/open-history.ts';

process.stdout.write('ready\n');
for await (const file of createInterface({ input: process.stdin })) {
  try {
    openHistory({ file }).close();
    process.stdout.write('ok\n');
  } catch (err) {
    process.stdout.write(`error ${String((err as Error).message ?? err).split('\n')[0]}\n`);
  }
}
