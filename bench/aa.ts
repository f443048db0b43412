// A/A and A/B trials of the latency verdict (issue 16). Each trial measures two systems
// single-stream in interleaved rounds, as `xlir run` does, with fresh ONNX Runtime sessions:
//   A/A: two byte-identical copies of the baseline: any "difference" is a false one;
//   A/B: the baseline against a copy whose graph does more work, sized so it measures 10% slower
//        (±2%) after a warm-up, under the bench's load (bench/aa-models.ts, calibratedSlowerModel below).
// Every trial is judged by the new method (t interval across paired rounds) and the old one
// (bootstrap of queries as independent samples), so the two are compared on the same data.
// The baseline is a transformer: by default the multilingual-e5-small latency replica (12 layers,
// 384 wide; generated offline on first use into the user models folder, bench/bench-models.ts),
// since the bundled dictionary bridge has no MatMul and runs in under a millisecond, which would
// leave nothing but harness to compare. --model DIR (or a model or replica name) measures another.
// Figures from before the bundled pair was replaced were taken on the 2-layer 128-wide xlir-mini
// baseline: the replica's query (about 11 ms single-stream on a loaded 2-core machine) is far slower,
// so rounds hold fewer queries and the harness is a smaller share of each (+40% FLOPs measured
// about 32% slower, where the mini's +10% gave 2–3%); compare spreads and rates, not seconds.
// With --load bursty, a child process the script starts and stops busy-loops on one core in
// random bursts (50–500 ms on, 50–500 ms off) for the whole bench.
// --extra-flops F skips the calibration: the slower copy gets F more FLOPs (e.g. 0.1), however
// slower that measures (a quick run's A/B pair; the summary reports the slowdown it measured).
// Prints the model first. Last lines (new method unless the key says _old):
//   aa_false_difference_rate=X  aa_mean_abs_ratio_minus_1=X  ab_detection_rate=Y  rounds_for_2pct=N
//   node bench/aa.ts [--model DIR] [--trials 20] [--seconds 3] [--rounds 20] [--load none|bursty] [--threads N]
//                    [--extra-flops F] [--data-dir DIR]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { roundSpread, roundsToResolve } from '../main/engine/calibration/noise-floor.ts';
import { aaBaseline, aaPair, slowerModel } from './aa-models.ts';
import { modelLine } from './bench-models.ts';
import { benchWorkload, callsDifference, inProcessSystem, runTrial, type SessionOptions, type Trial, type TrialOptions } from './aa-harness.ts';

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '20' },
    load: { type: 'string', default: 'none' },
    threads: { type: 'string' },
    'extra-flops': { type: 'string' },
    model: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const repo = path.resolve(import.meta.dirname, '..');
const dataDir = values['data-dir'] ?? process.env.XLIR_DATA_DIR ?? path.resolve(repo, '../shared/data');
const trials = Number(values.trials);
const options = { rounds: Number(values.rounds), seconds: Number(values.seconds) };
if (!(trials >= 1) || !(options.rounds >= 2) || !(options.seconds > 0)) throw new Error('--trials ≥ 1, --rounds ≥ 2 and --seconds > 0, please');
if (values.load !== 'none' && values.load !== 'bursty') throw new Error('--load is none or bursty');
const fixedExtraFlops = values['extra-flops'] === undefined ? undefined : Number(values['extra-flops']);
if (fixedExtraFlops !== undefined && !(fixedExtraFlops > 0)) throw new Error('--extra-flops is a fraction of the graph\'s FLOPs > 0, e.g. 0.1');

/** A busy loop in bursts on the last core (taskset where it exists), until killed. */
function startBurstyLoad(): ChildProcess {
  const loop = `let s=1;const r=()=>(s=(s*16807)%2147483647)/2147483647;const burst=()=>{const end=Date.now()+50+450*r();while(Date.now()<end);setTimeout(burst,50+450*r());};burst();`;
  const core = String(os.availableParallelism() - 1);
  const pinned = spawnSync('taskset', ['--version']).status === 0;
  return pinned ? spawn('taskset', ['-c', core, process.execPath, '-e', loop], { stdio: 'ignore' }) : spawn(process.execPath, ['-e', loop], { stdio: 'ignore' });
}

/**
 * The A/B pair's "real 10% slowdown" is one of latency, not of FLOPs: the model's query also
 * pays for tokenizing, searching and ONNX Runtime's per-operator overhead (+10% FLOPs made the
 * former 2-layer xlir-mini baseline only 2–3% slower). The extra feed-forward's width is scaled
 * (its cost is linear in it) until an interleaved measurement, taken after a warm-up and under
 * the same background load as the trials (a load makes the extra work cost relatively more),
 * shows 10% ± 2%.
 */
type Workload = Awaited<ReturnType<typeof benchWorkload>>;

/** One trial of two model folders, each on a fresh in-process session, closed afterwards. */
async function trialOf(dirs: readonly [string, string], workload: Workload, session: SessionOptions, options: TrialOptions): Promise<Trial> {
  const systems = [await inProcessSystem(dirs[0], workload, session), await inProcessSystem(dirs[1], workload, session)] as const;
  const trial = await runTrial([systems[0], systems[1]], options);
  await Promise.all(systems.map((s) => s.close()));
  return trial;
}

async function calibratedSlowerModel(baseline: string, workload: Workload, tokens: number, session: SessionOptions) {
  const target = 0.1;
  let extraFlops = 0.4;
  let found = { dir: '', width: 0, per: 'token', extraFlops, ratio: 1 };
  const measure = async (dir: string, seed: number) => (await trialOf([baseline, dir], workload, session, { rounds: 20, seconds: 4, seed })).rounds.median.ratio;
  // V8 optimises the harness's JavaScript (tokenizer, search) over the first trials; until it has,
  // that fixed cost dilutes the slower model's extra work (measured: the A/B ratio climbed from
  // 1.03 to 1.13 over the first seven trials). So: warm up first, then size, then measure.
  const first = await slowerModel(root, baseline, { extraFlops, tokens });
  for (let warm = 1; warm <= 6; warm++) console.log(`warming up: +${Math.round(extraFlops * 100)}% FLOPs → ${((await measure(first.dir, 900 + warm) - 1) * 100).toFixed(1)}% slower`);
  for (let step = 1; step <= 5; step++) {
    const model = await slowerModel(root, baseline, { extraFlops, tokens });
    found = { ...model, extraFlops, ratio: await measure(model.dir, 1000 + step) };
    console.log(`calibrating the slower model: +${Math.round(extraFlops * 100)}% FLOPs → ${((found.ratio - 1) * 100).toFixed(1)}% slower`);
    if (Math.abs(found.ratio - 1 - target) <= 0.02) return found;
    extraFlops *= target / Math.max(found.ratio - 1, 0.01);
  }
  throw new Error(`could not make a model 10% slower than the baseline on this machine (last: ${((found.ratio - 1) * 100).toFixed(1)}%); run the bench on a quieter machine`);
}

const root = await mkdtemp(path.join(os.tmpdir(), 'xlir-aa-'));
let load: ChildProcess | undefined;
try {
  const baseline = await aaBaseline(values.model);
  console.log(await modelLine(baseline));
  const [dirA, dirB] = await aaPair(root, baseline);
  const workload = await benchWorkload(dataDir, baseline);
  const meanTokens = workload.meanQueryTokens;
  const session = values.threads === undefined ? {} : { intraOpThreads: Number(values.threads) };
  if (values.load === 'bursty') load = startBurstyLoad();
  const slow =
    fixedExtraFlops === undefined
      ? await calibratedSlowerModel(baseline, workload, meanTokens, session)
      : { ...(await slowerModel(root, baseline, { extraFlops: fixedExtraFlops, tokens: meanTokens })), extraFlops: fixedExtraFlops, ratio: Number.NaN };
  const sized = Number.isNaN(slow.ratio) ? 'not calibrated: --extra-flops' : `measured ${((slow.ratio - 1) * 100).toFixed(1)}% slower when sized`;
  console.log(`A/A: ${dirA} vs ${dirB}; A/B: ${baseline} vs ${slow.dir} (+feed-forward of width ${slow.width} per ${slow.per}: +${Math.round(slow.extraFlops * 100)}% FLOPs at ${meanTokens} tokens, ${sized})`);
  console.log(`${trials} trials each, ${options.rounds} rounds, ${options.seconds} s per model per trial, load: ${values.load}, intra-op threads: ${values.threads ?? 'default'}`);

  const aa: Trial[] = [];
  const ab: Trial[] = [];
  for (let t = 1; t <= trials; t++) {
    // A/A and A/B take turns, so that a change in the machine's load hits both alike.
    for (const [label, pair, list] of [['A/A', [dirA, dirB], aa], ['A/B', [baseline, slow.dir], ab]] as const) {
      const trial = await trialOf(pair, workload, session, { ...options, seed: t });
      list.push(trial);
      const r = trial.rounds.median;
      console.log(
        `${label} ${String(t).padStart(2)}: ratio ${r.ratio.toFixed(4)} [${r.ciLow.toFixed(4)}, ${r.ciHigh.toFixed(4)}]${callsDifference(trial.rounds) ? ' DIFF' : '     '}` +
          ` old [${trial.queries.median.ciLow.toFixed(4)}, ${trial.queries.median.ciHigh.toFixed(4)}]${callsDifference(trial.queries) ? ' DIFF' : '     '}  ${trial.quality.level}, others ${Math.round((trial.quality.cpu?.othersShare ?? 0) * 100)}%`,
      );
    }
  }

  const rate = (list: Trial[], pick: (t: Trial) => boolean) => list.filter(pick).length / list.length;
  const slower = (c: Trial['rounds']) => callsDifference(c) && c.median.ratio > 1;
  const spreads = aa.map((t) => roundSpread(t.rounds.roundRatios!));
  // The per-round spread of a typical A/A trial (median over trials): what a run's interval is made of.
  const spread = [...spreads].sort((a, b) => a - b)[Math.floor(spreads.length / 2)];
  const roundSeconds = aa.reduce((sum, t) => sum + t.quality.measuredMs / 1000 / options.rounds, 0) / aa.length;
  const needed = roundsToResolve(spread, 0.02);
  const pooledAb = Math.exp(ab.reduce((sum, t) => sum + Math.log(t.rounds.median.ratio), 0) / ab.length);
  const others = [...aa, ...ab].reduce((sum, t) => sum + (t.quality.cpu?.othersShare ?? 0), 0) / (aa.length + ab.length);
  const busy = rate([...aa, ...ab], (t) => t.quality.level === 'busy');
  console.log(`machine: other processes took ${Math.round(others * 100)}% of the CPU on average; ${Math.round(busy * 100)}% of trials rated busy (their verdicts would say inconclusive); load average now ${os.loadavg()[0].toFixed(2)}`);
  console.log(`A/B true slowdown (geometric mean over the A/B trials): ${((pooledAb - 1) * 100).toFixed(1)}%`);
  console.log(`aa_false_difference_rate_old=${rate(aa, (t) => callsDifference(t.queries)).toFixed(3)}`);
  console.log(`ab_detection_rate_old=${rate(ab, (t) => slower(t.queries)).toFixed(3)}`);
  console.log(`rounds_for_2pct=${needed ?? '>10000'} (${needed === null ? '-' : (needed * roundSeconds).toFixed(0)} s at ${roundSeconds.toFixed(2)} s per round; per-round A/A spread ${(spread * 100).toFixed(2)}%)`);
  console.log(`aa_mean_abs_ratio_minus_1=${(aa.reduce((sum, t) => sum + Math.abs(t.rounds.median.ratio - 1), 0) / aa.length).toFixed(4)}`);
  console.log(`ab_detection_rate=${rate(ab, (t) => slower(t.rounds)).toFixed(3)}`);
  console.log(`aa_false_difference_rate=${rate(aa, (t) => callsDifference(t.rounds)).toFixed(3)}`);
} finally {
  load?.kill();
  await rm(root, { recursive: true, force: true });
}
