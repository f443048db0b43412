import { calibrationConfig, calibrationRecordOf } from '../../engine/calibration/noise-floor.ts';
import { XlirError } from '../../engine/errors.ts';
import { saveCalibration } from '../../store/calibration-file.ts';
import { xlirHomeDir } from '../../store/history-path.ts';
import { printRunSummary } from '../run-summary.ts';
import { formatTable } from '../terminal.ts';
import { CliUsageError } from '../usage.ts';
import { buildRunConfig, executeRun } from './run.ts';

/**
 * `xlir calibrate`: the built-in A/A self-test. One model is measured as two systems in
 * interleaved rounds; the spread of their per-round ratios is this machine's noise floor: the
 * smallest difference a run of this length can resolve, and how long a run must be to resolve 2%.
 * Saved in XLIR_HOME, later runs of the same set-up take it as their practical threshold.
 */
export async function runCalibrateCommand(args: string[]): Promise<number> {
  const built = await buildRunConfig(args);
  if (args.filter((a) => a === '--model' || a.startsWith('--model=')).length > 1) throw new CliUsageError('xlir calibrate measures one model against itself: give at most one --model');
  const config = calibrationConfig(built.config);
  const { result, exitCode, savedAs } = await executeRun(config, { history: built.history, kind: 'calibrate', ...(built.jsonOut && { jsonOut: built.jsonOut }) });
  printRunSummary(result, process.stdout);
  const floor = result.noiseFloor;
  if (!floor) {
    if (result.status === 'cancelled') return exitCode;
    throw new XlirError('CALIBRATION_FAILED', 'The A/A run produced no noise floor: it needs at least 2 rounds measured for both copies (--rounds 2 or more).');
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  // The summary above ends with the noise floor's line; its table for longer runs follows.
  process.stdout.write(
    `${formatTable(
      ['rounds', 'seconds', 'resolvable difference'],
      floor.lengths.map((l) => [l.rounds, l.seconds.toFixed(0), pct(l.resolvable)]),
    )}\n(resolvable: detected 4 times in 5 at 95% confidence, from the spread of ${floor.rounds} per-round A/A ratios)\n`,
  );
  if (result.status === 'completed') {
    const file = saveCalibration(xlirHomeDir(), calibrationRecordOf(result, floor));
    process.stdout.write(`\nSaved as this machine's calibration (${file}): runs of ${floor.scenario} with the same threads use it for "practically equal".\n`);
  }
  if (built.jsonOut) process.stdout.write(`\nFull result: ${built.jsonOut}\n`);
  if (savedAs) process.stdout.write(`\n${savedAs}\n`);
  return exitCode;
}
