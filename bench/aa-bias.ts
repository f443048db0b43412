// The A/A bias hunt: two byte-identical copies of the bench's baseline (aa-a as baseline, aa-b as
// "hybrid") measured against each other in interleaved rounds under several set-ups, to find what
// favours one side. A systematic effect shows as ratios (aa-b ÷ aa-a) on one side of 1 in most
// trials, and flips with the load order if it belongs to whichever session came first.
//   default        aa-a loaded first, ONNX Runtime's defaults (intra-op pool spinning)
//   swapped        aa-b loaded first
//   no-spin        intra-op threads sleep at once instead of spinning (session.intra_op.allow_spinning=0)
//   one-thread     intraOpThreads 1: no pool at all, every operator on the calling thread
//                  (onnxruntime-node cannot share one pool between sessions: it has no
//                  CreateEnvWithGlobalThreadPools, and use_per_session_threads=0 is refused)
//   fresh-session  each block on a newly created session
//   processes      each model in a worker process of its own (pyperf's approach)
// Prints one line per trial and a summary per set-up. The machine's load is printed with each
// trial (measurement-quality monitor): re-run on a quiet machine for figures worth quoting.
// Short blocks (e.g. --rounds 400 --min-queries 2000 --seconds 0 --rewarm 1: 5 queries a block)
// pair the two sessions query by query almost, so that a loaded machine's drift cancels within
// each round and a small systematic difference between the sessions stands out.
// The baseline is a transformer: by default the multilingual-e5-small latency replica (generated
// offline on first use, bench/bench-models.ts), as in bench/aa.ts: the bundled dictionary bridge
// runs in under a millisecond, so its sessions would differ by little but the harness around them.
// A replica's queries are slower than the former 2-layer xlir-mini baseline's, so a block of
// --min-queries takes longer; --model DIR (or a model or replica name) measures another model.
// Prints the model first.
//   node bench/aa-bias.ts [--model DIR] [--trials 4] [--seconds 2] [--rounds 20] [--min-queries 100] [--rewarm 5]
//                         [--variants default,swapped,...] [--data-dir DIR]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatTable } from '../main/cli/terminal.ts';
import { aaBaseline, aaPair } from './aa-models.ts';
import { modelLine } from './bench-models.ts';
import { benchWorkload, callsDifference, childProcessSystem, inProcessSystem, runTrial, saveCandidates, type System, type Trial } from './aa-harness.ts';

const VARIANTS = ['default', 'swapped', 'no-spin', 'one-thread', 'fresh-session', 'processes'] as const;
type Variant = (typeof VARIANTS)[number];

const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '4' },
    seconds: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '20' },
    'min-queries': { type: 'string', default: '100' },
    rewarm: { type: 'string', default: '5' },
    variants: { type: 'string', default: VARIANTS.join(',') },
    model: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const repo = path.resolve(import.meta.dirname, '..');
const dataDir = values['data-dir'] ?? process.env.XLIR_DATA_DIR ?? path.resolve(repo, '../shared/data');
const variants = values.variants!.split(',') as Variant[];
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`unknown variant ${v}: choose from ${VARIANTS.join(', ')}`);
const trials = Number(values.trials);
const options = { rounds: Number(values.rounds), seconds: Number(values.seconds), minQueries: Number(values['min-queries']), rewarmQueries: Number(values.rewarm) };

const root = await mkdtemp(path.join(os.tmpdir(), 'xlir-aa-bias-'));
try {
  const baseline = await aaBaseline(values.model);
  console.log(await modelLine(baseline));
  const [dirA, dirB] = await aaPair(root, baseline);
  const workload = await benchWorkload(dataDir, baseline);
  const candidatesFile = await saveCandidates(root, workload.candidates);

  /** [aa-a, aa-b] for a variant, created in its load order. */
  async function systemsFor(variant: Variant): Promise<[System, System]> {
    if (variant === 'processes') return [await childProcessSystem(dirA, dataDir, candidatesFile), await childProcessSystem(dirB, dataDir, candidatesFile)];
    const session = variant === 'no-spin' ? { allowSpinning: false } : variant === 'one-thread' ? { intraOpThreads: 1 } : variant === 'fresh-session' ? { freshPerBlock: true } : {};
    if (variant === 'swapped') {
      const b = await inProcessSystem(dirB, workload, session);
      return [await inProcessSystem(dirA, workload, session), b];
    }
    const a = await inProcessSystem(dirA, workload, session);
    return [a, await inProcessSystem(dirB, workload, session)];
  }

  const results = new Map<Variant, Trial[]>();
  console.log(`A/A bias hunt: ${trials} trials per set-up, ${options.rounds} rounds, at least ${options.seconds} s and ${options.minQueries} queries per model, ${options.rewarmQueries} re-warm queries per block; aa-b ÷ aa-a`);
  for (let t = 1; t <= trials; t++) {
    // Set-ups take turns trial by trial, so that a change in the machine's load hits them all.
    for (const variant of variants) {
      const systems = await systemsFor(variant);
      const trial = await runTrial(systems, { ...options, seed: t });
      await Promise.all(systems.map((s) => s.close()));
      results.set(variant, [...(results.get(variant) ?? []), trial]);
      const r = trial.rounds.median;
      const q = trial.queries.median;
      console.log(
        `trial ${t} ${variant.padEnd(13)} rounds: ${r.ratio.toFixed(4)} [${r.ciLow.toFixed(4)}, ${r.ciHigh.toFixed(4)}]${callsDifference(trial.rounds) ? ' DIFF' : ''}` +
          `  queries: [${q.ciLow.toFixed(4)}, ${q.ciHigh.toFixed(4)}]${callsDifference(trial.queries) ? ' DIFF' : ''}  p50 ${trial.rounds.baseline.p50Ms.toFixed(3)} ms  machine: ${trial.quality.summary}`,
      );
    }
  }

  const rows = variants.map((variant) => {
    const list = results.get(variant)!;
    const logs = list.map((t) => Math.log(t.rounds.median.ratio));
    const mean = logs.reduce((a, b) => a + b, 0) / logs.length;
    const sd = Math.sqrt(logs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, logs.length - 1));
    const halfWidth = list.reduce((a, t) => a + Math.log(t.rounds.median.ciHigh / t.rounds.median.ratio), 0) / list.length;
    const others = list.reduce((a, t) => a + (t.quality.cpu?.othersShare ?? 0), 0) / list.length;
    return [
      variant,
      list.length,
      Math.exp(mean).toFixed(4),
      `${list.filter((t) => t.rounds.median.ratio > 1).length}/${list.length}`,
      (sd * 100).toFixed(2),
      (halfWidth * 100).toFixed(2),
      `${list.filter((t) => callsDifference(t.rounds)).length}/${list.length}`,
      `${list.filter((t) => callsDifference(t.queries)).length}/${list.length}`,
      `${Math.round(others * 100)}%`,
    ];
  });
  console.log(
    formatTable(['set-up', 'trials', 'geo-mean ratio', 'b slower', 'sd across trials %', 'mean CI half-width %', 'diff (rounds)', 'diff (queries)', 'others CPU'], rows),
  );
} finally {
  await rm(root, { recursive: true, force: true });
}
