import { compareLatency } from '../latency/compare.ts';
import type { StageTimes } from '../latency/latency-sample.ts';
import { comparePairedQuality } from '../metrics/paired-bootstrap.ts';
import type { QualityDetail } from '../metrics/evaluate-quality.ts';
import type { RunConfig } from './run-config.ts';
import type { Comparison, LatencyResult, ModelRun } from './run-result.ts';

/**
 * Which models to compare: each hybrid checkpoint with the baseline of its family (the research
 * question), or, when the run has exactly two models and no such pair, the second with the first.
 */
export function comparisonPairs(models: readonly ModelRun[]): [ModelRun, ModelRun][] {
  const pairs: [ModelRun, ModelRun][] = [];
  for (const candidate of models.filter((m) => m.manifest.checkpoint === 'hybrid')) {
    const baseline = models.find((m) => m.manifest.checkpoint === 'baseline' && m.manifest.family === candidate.manifest.family);
    if (baseline) pairs.push([baseline, candidate]);
  }
  if (pairs.length === 0 && models.length === 2) pairs.push([models[0], models[1]]);
  return pairs;
}

/** The samples whose total latency a comparison reads: per query, or per batch of the largest offline batch size. */
function comparableSamples(latency: LatencyResult): readonly StageTimes[] {
  if (latency.scenario !== 'offline') return latency.samples;
  const runs = latency.runs.filter((r) => r.batches.length > 0);
  return runs.length > 0 ? runs[runs.length - 1].batches : [];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}`;

export function compareModels(models: readonly ModelRun[], details: ReadonlyMap<string, QualityDetail>, config: RunConfig): Comparison[] {
  return comparisonPairs(models).map(([baseline, candidate]) => {
    const a = comparableSamples(baseline.latency);
    const b = comparableSamples(candidate.latency);
    const latency =
      a.length > 0 && b.length > 0
        ? compareLatency(a, b, { seed: config.seed, resamples: config.bootstrapResamples, labels: { baseline: baseline.name, candidate: candidate.name } })
        : null;
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
      ...quality.map((q) => `${q.setting} mAP ${q.baseline.toFixed(3)} -> ${q.candidate.toFixed(3)}: ${q.verdict}`),
      ...(paired?.languageBias
        ? [`language bias (mean max-min rank, lower is better) ${paired.languageBias.baseline.toFixed(1)} -> ${paired.languageBias.candidate.toFixed(1)} (95% CI of the difference ${paired.languageBias.ciLow.toFixed(1)} to ${paired.languageBias.ciHigh.toFixed(1)})`]
        : []),
    ];
    if (latency && config.scenario.kind !== 'single-stream') {
      // Only single-stream alternates the models in blocks (interleaved.ts); here drift between the two measurements counts as a difference.
      lines.splice(1, 0, `latency note: ${config.scenario.kind} measures one model after the other, so machine drift between the two counts as a difference; single-stream alternates them in blocks`);
    }
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
