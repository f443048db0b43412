import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { XlirError } from '../../engine/errors.ts';
import { modelSearchDirs, resolveModelArgument } from '../../engine/models/model-locations.ts';
import { describeSettings, runSweep, type SweepResult } from '../../engine/sweep/run-sweep.ts';
import { currentMachineLimits } from '../../engine/machine/machine-limits.ts';
import { boundedSweepConfigSchema, modelSize } from '../../engine/run/bounded-config.ts';
import { SweepConfigSchema, type SweepConfigInput } from '../../engine/sweep/sweep-config.ts';
import { optionUsageError, SWEEP_OPTION_FLAGS } from '../option-flags.ts';
import { onStopSignal, signalExitCode } from '../stop-signals.ts';
import { ridgeIntensity } from '../../engine/roofline/efficiency.ts';
import { formatIntensity, formatRate } from '../../report/format-numbers.ts';
import { boundName } from '../../report/roofline-tables.ts';
import { withHistory } from '../../store/history-access.ts';
import { storeSweep } from '../../store/sweeps.ts';
import { registerActiveRun } from '../../store/active-runs.ts';
import { xlirHomeDir } from '../../store/history-path.ts';
import { createProgressBar, formatTable } from '../terminal.ts';
import { CliUsageError, parseFlags, parseList, parseNumber } from '../usage.ts';

const SWEEP_FLAGS = {
  model: { type: 'string' },
  ep: { type: 'string' },
  variants: { type: 'string' },
  threads: { type: 'string' },
  'batch-sizes': { type: 'string' },
  tokens: { type: 'string' },
  'graph-opt': { type: 'string' },
  rounds: { type: 'string' },
  runs: { type: 'string' },
  warmup: { type: 'string' },
  roofline: { type: 'boolean' },
  'remeasure-peak': { type: 'boolean' },
  json: { type: 'string' },
  history: { type: 'boolean' },
} as const;

const numbers = (flag: string, value: string | undefined) => parseList(value)?.map((v) => parseNumber(flag, v)!);

export function buildSweepConfig(args: string[]): { config: SweepConfigInput; jsonOut?: string; history: boolean } {
  const f = parseFlags(args, SWEEP_FLAGS);
  if (f.model === undefined) throw new CliUsageError('xlir sweep needs --model NAME|DIR (see "xlir models")');
  const model = resolveModelArgument(f.model, modelSearchDirs());
  if (!model) throw new XlirError('MODEL_NOT_FOUND', `--model ${f.model}: no such model folder, and no model of that name in ${modelSearchDirs().join(', ')} (see "xlir models").`);
  const eps = parseList(f.ep);
  if (eps && eps.some((ep) => ep !== 'cpu' && ep !== 'cuda')) throw new CliUsageError(`--ep takes cpu, cuda or both (cpu,cuda); got "${f.ep}"`);
  const config = {
    model,
    ...(eps && { providers: eps }),
    ...(f.variants !== undefined && { variants: parseList(f.variants) }),
    ...(f.threads !== undefined && { threads: numbers('threads', f.threads) }),
    ...(f['batch-sizes'] !== undefined && { batchSizes: numbers('batch-sizes', f['batch-sizes']) }),
    ...(f.tokens !== undefined && { sequenceLengths: numbers('tokens', f.tokens) }),
    ...(f['graph-opt'] !== undefined && { graphOptimizationLevel: f['graph-opt'] }),
    ...(f.rounds !== undefined && { rounds: parseNumber('rounds', f.rounds) }),
    ...(f.runs !== undefined && { runsPerRound: parseNumber('runs', f.runs) }),
    ...(f.warmup !== undefined && { warmupRuns: parseNumber('warmup', f.warmup) }),
    ...(f.roofline !== undefined && { roofline: f.roofline }),
    ...(f['remeasure-peak'] !== undefined && { remeasurePeak: f['remeasure-peak'] }),
  } as SweepConfigInput;
  return { config, history: f.history !== false, ...(f.json !== undefined && { jsonOut: path.resolve(f.json) }) };
}

const ms = (v: number) => v.toFixed(v < 10 ? 3 : 1);
const percent = (v: number | null | undefined) => (v == null ? '-' : `${(v * 100).toFixed(0)}%`);

/** The ceilings of each settings' provider and threads: where the grid crosses from memory- to compute-bound. */
function ceilingLines(result: SweepResult): string[] {
  const seen = new Map<string, string>();
  for (const c of result.configurations) {
    const e = c.efficiency;
    if (!e || e.peakGflops === null) continue;
    const where = `${c.settings.provider}${c.settings.threads === null ? '' : `, ${c.settings.threads} thread${c.settings.threads === 1 ? '' : 's'}`}`;
    const ridge = e.bandwidthGBs ? `, so memory-bound below ${formatIntensity(ridgeIntensity(e.peakGflops, e.bandwidthGBs))} FLOP/byte` : '';
    seen.set(where, `ceilings on ${where}: peak ${formatRate(e.peakGflops)} GFLOP/s, read bandwidth ${formatRate(e.bandwidthGBs)} GB/s${ridge}`);
  }
  return [...seen.values()];
}

/** The sweep as a table, best settings per workload marked, and the overall best named. */
export function formatSweep(result: SweepResult): string {
  const winners = new Set(result.best?.perWorkload.map((w) => `${describeSettings(w.settings)}|${w.workload.batchSize}|${w.workload.tokens}`));
  const rows = result.configurations.map((c) => {
    const e = c.efficiency;
    const mark = winners.has(`${describeSettings(c.settings)}|${c.workload.batchSize}|${c.workload.tokens}`) ? '*' : '';
    return [
      `${describeSettings(c.settings)}${mark}`,
      c.workload.batchSize,
      c.workload.tokens,
      ms(c.medianMs),
      `${ms(c.spread.minMs)} / ${ms(c.spread.medianMs)} / ${ms(c.spread.maxMs)}`,
      `${(c.spread.relative * 100).toFixed(1)}%`,
      c.queriesPerSecond.toFixed(1),
      formatRate(e?.achievedGflops),
      formatIntensity(e?.intensity),
      e ? boundName(e) : '-',
      percent(e?.fractionOfAttainable),
      percent(e?.fractionOfPeak),
    ];
  });
  const c = result.config;
  const lines = [
    `Sweep of ${result.model.name} (${result.model.dir}): ${c.rounds} interleaved rounds × ${c.runsPerRound} timed runs per configuration, warm-up ${c.warmupRuns} (+${c.rewarmRuns} per later round)`,
    formatTable(['settings', 'batch', 'tokens', 'median ms', 'round medians min / med / max', 'spread', 'queries/s', 'GFLOP/s', 'FLOP/byte', 'bound', '% attainable', '% peak'], rows),
    '* fastest settings for that batch and token count; spread = (max − min) of the round medians ÷ median',
    ...ceilingLines(result),
    ...result.skipped.map((s) => `skipped ${describeSettings(s.settings)}: ${s.reason}`),
  ];
  if (result.best) {
    const b = result.best;
    lines.push(`Best configuration: ${describeSettings(b.settings)} (fastest on ${b.wins} of ${b.perWorkload.length} workloads; ${((b.relativeTime - 1) * 100).toFixed(1)}% above the fastest on average)`);
  } else {
    lines.push('Nothing was measured.');
  }
  if (result.cancelled) lines.unshift('CANCELLED sweep (partial results)');
  return lines.join('\n');
}

export async function runSweepCommand(args: string[]): Promise<number> {
  const { config: input, jsonOut, history } = buildSweepConfig(args);
  const size = await modelSize(input.model);
  const parsed = (size ? boundedSweepConfigSchema(currentMachineLimits(), size) : SweepConfigSchema).safeParse(input);
  if (!parsed.success) throw optionUsageError(parsed.error, SWEEP_OPTION_FLAGS);
  const config = parsed.data;
  const bar = createProgressBar();
  const controller = new AbortController();
  const stopSignals = onStopSignal((signal) => {
    bar.log(`${signal}: cancelling after the run in flight (${signal === 'SIGINT' ? 'Ctrl-C' : 'the signal'} again to quit at once)…`);
    controller.abort();
  });
  let lastPhase = '';
  // Other runs' monitors see the sweep: it disturbs their timings as they would disturb its.
  const registration = registerActiveRun(xlirHomeDir(), { runId: randomUUID(), kind: 'sweep' });
  try {
    const result = await runSweep(config, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase !== 'measure' || lastPhase !== 'measure') bar.log(`[${p.phase}] ${p.detail}`);
        lastPhase = p.phase;
        bar.update(p.detail, p.done, p.total);
      },
    });
    bar.done();
    if (jsonOut) await writeFile(jsonOut, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`${formatSweep(result)}\n`);
    if (jsonOut) process.stdout.write(`\nFull result: ${jsonOut}\n`);
    if (history && result.configurations.length > 0) {
      // The sweep is measured and printed by now: a history that cannot take it costs a warning, not the sweep.
      try {
        const stored = await withHistory(({ db, file }) => ({ id: storeSweep(db, result), file }), { verify: true });
        process.stdout.write(`\nSaved in the history (${stored.file}): its grid joins the roofline plot of ${result.model.name}'s runs on this machine.\n`);
      } catch (err) {
        process.stderr.write(`warning: the sweep was not saved in the history: ${(err as Error).message}\n`);
      }
    }
    return result.cancelled ? signalExitCode(stopSignals.received ?? 'SIGINT') : 0;
  } finally {
    registration.release();
    bar.done();
    stopSignals.dispose();
  }
}
