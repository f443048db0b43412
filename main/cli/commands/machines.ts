import { formatGiB } from '../../report/format-numbers.ts';
import { listMachines, setMachineLabel } from '../../store/machines.ts';
import { withHistory } from '../../store/history-access.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError, parseFlagsAndOperands } from '../usage.ts';

export async function runMachinesCommand(args: string[]): Promise<number> {
  const { flags, operands } = parseFlagsAndOperands(args, { json: { type: 'boolean' } });
  if (operands[0] === 'label') {
    if (operands.length !== 3) throw new CliUsageError('usage: xlir machines label ID "new label"');
    const { id, label } = await withHistory(({ db }) => setMachineLabel(db, operands[1], operands[2]));
    process.stdout.write(`Machine ${id} is now labelled "${label}".\n`);
    return 0;
  }
  if (operands.length > 0) throw new CliUsageError(`xlir machines: unknown operand "${operands[0]}" (xlir machines [--json] | xlir machines label ID "label")`);
  const machines = await withHistory(({ db }) => listMachines(db));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(machines, null, 2)}\n`);
    return 0;
  }
  if (machines.length === 0) {
    process.stdout.write('No machines yet: a run or an import adds its machine.\n');
    return 0;
  }
  const rows = machines.map((m) => [m.id, m.label, `${m.profile.cpu.model}, ${m.profile.cpu.logicalCores} cores`, formatGiB(m.profile.memoryBytes), m.profile.gpus.map((g) => g.name).join(', ') || '-', m.runs, m.lastRunAt?.slice(0, 10) ?? '-']);
  process.stdout.write(`${formatTable(['id', 'label', 'CPU', 'memory', 'GPU', 'runs', 'last run'], rows)}\n`);
  return 0;
}
