import { compareLatency, withheldDifference, type LatencyComparison } from '../latency/compare.ts';
import type { MeasuredBlock } from '../latency/interleaved.ts';
import type { StageTimes } from '../latency/latency-sample.ts';
import { compareRounds, MIN_PAIRED_ROUNDS, type RoundBlocks } from '../latency/paired-rounds.ts';
import { comparePairedQuality } from '../metrics/paired-bootstrap.ts';
import type { QualityDetail } from '../metrics/evaluate-quality.ts';
import type { RunConfig } from './run-config.ts';
import { modelMatches } from './run-models.ts';
import type { Comparison, LatencyResult, ModelRun } from './run-result.ts';

export interface Pairing {
  /** [baseline, candidate] pairs to compare. */
  pairs: [ModelRun, ModelRun][];
  /** How models were paired where no family did it, and why a model was left out. */
  notes: string[];
}

/**
 * Which models to compare, within each precision (a model's int8 variant with the other model's
 * int8 variant): the pairs given (`--pair BASELINE:HYBRID`, by model name or folder), else each
 * hybrid checkpoint with the baseline of its family (the research question; family and
 * checkpoint come from the manifest or the folder, see model-folder.ts), else, with exactly two
 * models, the second with the first. The notes say which of these happened and what was left out.
 */
export function comparisonPairs(models: readonly ModelRun[], explicit: RunConfig['pairs'] = undefined): Pairing {
  const pairs: [ModelRun, ModelRun][] = [];
  const notes: string[] = [];
  const groups = new Map<string, ModelRun[]>();
  for (const m of models) groups.set(m.variant?.name ?? '', [...(groups.get(m.variant?.name ?? '') ?? []), m]);
  for (const [variant, group] of groups) {
    const where = variant ? ` (variant ${variant})` : '';
    if (explicit && explicit.length > 0) {
      for (const { baseline, candidate } of explicit) {
        const a = group.find((m) => modelMatches(m.manifest.name, m.dir, baseline));
        const b = group.find((m) => modelMatches(m.manifest.name, m.dir, candidate));
        if (a && b) pairs.push([a, b]);
      }
      continue;
    }
    const before = pairs.length;
    for (const candidate of group.filter((m) => m.manifest.checkpoint === 'hybrid')) {
      const baseline = group.find((m) => m.manifest.checkpoint === 'baseline' && m.manifest.family === candidate.manifest.family);
      if (baseline) pairs.push([baseline, candidate]);
      else notes.push(`${candidate.name}: no baseline of family "${candidate.manifest.family}"${where} in this run, so it is compared with nothing.`);
    }
    if (pairs.length > before || group.length < 2) continue;
    if (group.length === 2) {
      pairs.push([group[0], group[1]]);
      notes.push(`${group[1].name} is compared with ${group[0].name} in the order given${where}: they are not the baseline and hybrid of one family (pass --pair BASELINE:HYBRID to choose).`);
    } else {
      notes.push(`No comparison${where}: none of ${group.map((m) => m.name).join(', ')} is a hybrid with a baseline of its family here; pass --pair BASELINE:HYBRID.`);
    }
  }
  return { pairs, notes };
}

/** The trace a comparison reads: per query, or per batch of the largest offline batch size; with its interleaved blocks. */
function comparableTrace(latency: LatencyResult): { samples: readonly StageTimes[]; blocks?: readonly MeasuredBlock[] } {
  if (latency.scenario !== 'offline') return latency;
  const runs = latency.runs.filter((r) => r.batches.length > 0);
  const run = runs[runs.length - 1];
  return run ? { samples: run.batches, ...(run.blocks && { blocks: run.blocks }) } : { samples: [] };
}

/** The rounds both traces measured, each as the two blocks' samples (rounds a cancel left empty on one side are dropped). */
export function pairedRounds(a: ReturnType<typeof comparableTrace>, b: ReturnType<typeof comparableTrace>): RoundBlocks[] {
  if (!a.blocks || !b.blocks) return [];
  const slice = (trace: typeof a, block: MeasuredBlock) => trace.samples.slice(block.start, block.start + block.count);
  return a.blocks.flatMap((blockA) => {
    const blockB = b.blocks!.find((x) => x.round === blockA.round);
    return blockB && blockA.count > 0 && blockB.count > 0 ? [{ baseline: slice(a, blockA), candidate: slice(b, blockB) }] : [];
  });
}

/**
 * The latency comparison of two models of one run: across their interleaved rounds
 * (`compareRounds`); a run with too few rounds falls back to the bootstrap of queries, and says
 * that its interval ignores drift. With `busyReason` a difference is withheld (inconclusive).
 */
function compareModelLatency(baseline: ModelRun, candidate: ModelRun, config: RunConfig, busyReason: string | null): { latency: LatencyComparison | null; notes: string[] } {
  const a = comparableTrace(baseline.latency);
  const b = comparableTrace(candidate.latency);
  if (a.samples.length === 0 || b.samples.length === 0) return { latency: null, notes: [] };
  const options = {
    labels: { baseline: baseline.name, candidate: candidate.name },
    ...(config.practicalThreshold && { practicalThreshold: config.practicalThreshold.fraction }),
  };
  const rounds = pairedRounds(a, b);
  const notes: string[] = [];
  let latency: LatencyComparison;
  if (rounds.length >= MIN_PAIRED_ROUNDS) {
    latency = compareRounds(rounds, options);
  } else {
    latency = compareLatency(a.samples, b.samples, { ...options, seed: config.seed, resamples: config.bootstrapResamples });
    notes.push(`latency note: only ${rounds.length} round(s) measured both models, too few for an interval across rounds; this interval treats queries as independent, so drift between the two measurements counts as a difference (use --rounds 10 or more)`);
  }
  if (config.practicalThreshold) latency = { ...latency, practicalThresholdSource: config.practicalThreshold.source };
  return { latency: busyReason ? withheldDifference(latency, busyReason) : latency, notes };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}`;

/**
 * Each comparison pair's latency and quality verdicts. `busyReason` (from the measurement-quality
 * monitor) withholds latency differences: on a busy machine a difference is "inconclusive".
 */
export function compareModels(models: readonly ModelRun[], details: ReadonlyMap<string, QualityDetail>, config: RunConfig, busyReason: string | null = null): Comparison[] {
  return comparisonPairs(models, config.pairs).pairs.map(([baseline, candidate]) => {
    const { latency, notes } = compareModelLatency(baseline, candidate, config, busyReason);
    const detailA = details.get(baseline.name);
    const detailB = details.get(candidate.name);
    const paired = detailA && detailB ? comparePairedQuality(detailA, detailB, { seed: config.seed, resamples: config.bootstrapResamples }) : null;
    const quality = (paired?.settings ?? []).map((s) => {
      const beyond = s.ciLow > 0 || s.ciHigh < 0;
      const direction = s.difference > 0 ? 'higher' : 'lower';
      return {
        ...s,
        verdict: beyond
          ? `${candidate.name} mAP is ${pct(Math.abs(s.difference))} points ${direction} (95% CI ${pct(s.ciLow)} to ${pct(s.ciHigh)}, p=${s.pValue.toFixed(3)}): beyond sampling noise`
          : `no difference beyond sampling noise (${pct(s.difference)} points, 95% CI ${pct(s.ciLow)} to ${pct(s.ciHigh)})`,
      };
    });
    const lines = [
      latency ? `latency: ${latency.verdict}` : 'latency: not comparable (no samples on one side)',
      ...notes,
      ...quality.map((q) => `${q.setting} mAP ${q.baseline.toFixed(3)} -> ${q.candidate.toFixed(3)}: ${q.verdict}`),
      ...(paired?.languageBias
        ? [`language bias (mean max-min rank, lower is better) ${paired.languageBias.baseline.toFixed(1)} -> ${paired.languageBias.candidate.toFixed(1)} (95% CI of the difference ${paired.languageBias.ciLow.toFixed(1)} to ${paired.languageBias.ciHigh.toFixed(1)})`]
        : []),
    ];
    if (!detailA || !detailB) lines.push('quality: not compared (measured for only one of the two, or for neither)');
    return {
      baseline: baseline.name,
      candidate: candidate.name,
      latency,
      quality,
      languageBias: paired?.languageBias ?? null,
      summary: lines.join('\n'),
    };
  });
}
