import { XlirError } from '../engine/errors.ts';
import { runCalibrateCommand } from './commands/calibrate.ts';
import { runCompareCommand } from './commands/compare.ts';
import { runDatasetsCommand } from './commands/datasets.ts';
import { runDeleteCommand } from './commands/delete.ts';
import { runDoctorCommand } from './commands/doctor.ts';
import { runExportCommand } from './commands/export.ts';
import { runHistoryCommand } from './commands/history.ts';
import { runImportCommand } from './commands/import.ts';
import { runInspectCommand } from './commands/inspect.ts';
import { runMachinesCommand } from './commands/machines.ts';
import { runModelsCommand } from './commands/models.ts';
import { runRunCommand } from './commands/run.ts';
import { runServeCommand } from './commands/serve.ts';
import { runSweepCommand } from './commands/sweep.ts';
import { runVariantsCommand } from './commands/variants.ts';
import { runShowCommand } from './commands/show.ts';
import { endQuietlyWhenOutputCloses } from './closed-output.ts';
import { CliUsageError, HELP } from './usage.ts';

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  run: runRunCommand,
  calibrate: runCalibrateCommand,
  models: runModelsCommand,
  inspect: runInspectCommand,
  variants: runVariantsCommand,
  datasets: runDatasetsCommand,
  doctor: runDoctorCommand,
  sweep: runSweepCommand,
  history: runHistoryCommand,
  show: runShowCommand,
  delete: runDeleteCommand,
  compare: runCompareCommand,
  export: runExportCommand,
  import: runImportCommand,
  machines: runMachinesCommand,
  serve: runServeCommand,
};

/** Runs one CLI invocation; returns the exit code (0 ok, 1 failure, 2 bad usage, 128 + signal: cancelled by it). */
export async function main(argv: string[]): Promise<number> {
  endQuietlyWhenOutputCloses();
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    process.stderr.write(`xlir: unknown command "${command}". Commands: ${Object.keys(COMMANDS).join(', ')}. See "xlir help".\n`);
    return 2;
  }
  try {
    return await handler(rest);
  } catch (err) {
    if (err instanceof CliUsageError) {
      process.stderr.write(`xlir ${command}: ${err.message}\nSee "xlir help".\n`);
      return 2;
    }
    if (err instanceof XlirError) {
      process.stderr.write(`xlir ${command}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
