import { resolveRunRef } from '../../store/run-queries.ts';
import { deleteRun } from '../../store/runs.ts';
import { withHistory } from '../../store/history-access.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

/**
 * `xlir delete RUN...`: removes runs and their samples. Every id is resolved before anything is
 * deleted, so a typo in the third id does not leave the first two gone and the rest kept.
 */
export async function runDeleteCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands(args, { force: { type: 'boolean' } });
  if (operands.length === 0) throw new CliUsageError('xlir delete takes one or more run ids (see "xlir history")');
  await withHistory(({ db }) => {
    const ids = [...new Set(operands.map((ref) => resolveRunRef(db, ref)))];
    for (const id of ids) {
      const state = deleteRun(db, id, { force: flags.force === true });
      process.stdout.write(`Deleted run ${id}${state === 'incomplete' ? ' (incomplete: its recording process had stopped)' : ''}\n`);
    }
  });
  return 0;
}
