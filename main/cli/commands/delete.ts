import { resolveRunRef } from '../../store/run-queries.ts';
import { deleteRun } from '../../store/runs.ts';
import { withHistory } from '../../store/history-access.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

/**
 * `xlir delete RUN...`: removes runs and their samples. Every id is resolved before anything is
 * deleted, so a typo in the third id does not leave the first two gone and the rest kept.
 */
export async function runDeleteCommand(args: string[]): Promise<number> {
  const { operands } = parseFlagsAndOperands(args, {});
  if (operands.length === 0) throw new CliUsageError('xlir delete takes one or more run ids (see "xlir history")');
  await withHistory(({ db }) => {
    const ids = [...new Set(operands.map((ref) => resolveRunRef(db, ref)))];
    for (const id of ids) {
      deleteRun(db, id);
      process.stdout.write(`Deleted run ${id}\n`);
    }
  });
  return 0;
}
