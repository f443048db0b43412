import { compareLatency, type LatencyComparison } from '../engine/latency/compare.ts';
import { summarize, type LatencySummary } from '../engine/latency/summary.ts';
import type { Efficiency } from '../engine/roofline/efficiency.ts';
import type { RunResult } from '../engine/run/run-result.ts';
import { latencyTraces, traceName, type LatencyTrace } from './latency-traces.ts';
import type { ReportRun } from './report-run.ts';

/** A run to compare, optionally narrowed to one of its models (`RUN:MODEL` on the command line). */
export interface CompareSelection extends ReportRun {
  model?: string;
}

export type QualitySetting = 'monolingual' | 'crossLingual' | 'multilingual';
export const QUALITY_SETTINGS: readonly QualitySetting[] = ['monolingual', 'crossLingual', 'multilingual'];

export interface ComparedEntry {
  runId: string;
  machine: { id: string; label: string };
  /** Machine label and short run id (and the model, in a group of several models). */
  label: string;
  model: string;
  modelSha256: string;
  /** Absent for results written before it was recorded. */
  tokenizerSha256?: string;
  scenario: string;
  batchSize: number | null;
  provider: string;
  threads: number | null;
  /** Total latency per query (per batch for offline); null when nothing was measured. */
  latency: LatencySummary | null;
  throughputQps: number | null;
  /** mAP per setting; null where quality was not measured. */
  quality: Record<QualitySetting, number | null> | null;
  /** Achieved GFLOP/s against this run's own machine's ceilings; null without a roofline (absent in comparisons made before it). */
  roofline?: EntryRoofline | null;
  /** Against the group's first entry; null for the first itself. */
  vsReference: {
    /** Ratio (this ÷ reference) of each statistic. */
    ratios: { p50: number; p90: number; p99: number; p999: number; mean: number } | null;
    /** Bootstrap intervals of the median and mean ratios, and the verdict; null without samples on a side. */
    latency: LatencyComparison | null;
    throughputRatio: number | null;
    quality: QualityVerdict;
    workload: WorkloadVerdict;
  } | null;
}

/** The roofline of an entry's trace, as measured on its own machine, provider and threads. */
export type EntryRoofline = Pick<Efficiency, 'achievedGflops' | 'peakGflops' | 'fractionOfPeak' | 'intensity' | 'bandwidthGBs' | 'attainableGflops' | 'bound' | 'fractionOfAttainable'>;
/**
 * Whether two entries ran the same work per query: the same graph and weights (sha256 of the ONNX
 * file and its external data) and the same tokenizer. Only then is a latency difference the
 * machine's or the settings', not the model's.
 */
export interface WorkloadVerdict {
  same: boolean;
  note: string;
}

export interface QualityVerdict {
  comparable: boolean;
  /** This − reference, mAP points on the 0–1 scale; null where either side lacks the setting. */
  differences: Record<QualitySetting, number | null> | null;
  note: string;
}

export interface ComparedGroup {
  /** What the entries have in common: "model (scenario)" or, for a mixed group, "selected models". */
  title: string;
  entries: ComparedEntry[];
}

export interface RunsComparison {
  groups: ComparedGroup[];
  /** Confidence, resamples and threshold of every interval. */
  method: { confidence: number; resamples: number; practicalThreshold: number; seed: number };
  notes: string[];
}

/** What must match for two mAP values to be comparable: the same queries and candidate pool. */
function querySetKey(result: RunResult): string {
  const d = result.dataset;
  return JSON.stringify([d.name, [...d.languages].sort(), d.queryCount, d.candidateCount, d.files.map((f) => f.sha256).sort(), result.config.dataset.maxQueries ?? null, result.config.seed]);
}

function qualityOf(trace: LatencyTrace): ComparedEntry['quality'] {
  const q = trace.model.quality;
  return q ? { monolingual: q.monolingual?.map ?? null, crossLingual: q.crossLingual?.map ?? null, multilingual: q.multilingual.map } : null;
}

function qualityVerdict(reference: { entry: ComparedEntry; querySet: string }, other: { entry: ComparedEntry; querySet: string }): QualityVerdict {
  const a = reference.entry.quality;
  const b = other.entry.quality;
  if (!a || !b) return { comparable: false, differences: null, note: 'quality not measured on both sides' };
  if (reference.querySet !== other.querySet) return { comparable: false, differences: null, note: 'not comparable: different queries or candidate pool (dataset, languages, subset or seed)' };
  const differences = Object.fromEntries(QUALITY_SETTINGS.map((s) => [s, a[s] === null || b[s] === null ? null : b[s]! - a[s]!])) as Record<QualitySetting, number | null>;
  const sameWeights = reference.entry.modelSha256 === other.entry.modelSha256;
  if (QUALITY_SETTINGS.every((s) => differences[s] === null || differences[s] === 0)) {
    return { comparable: true, differences, note: sameWeights ? 'identical (same weights, same queries)' : 'identical mAP' };
  }
  const largest = Math.max(...QUALITY_SETTINGS.map((s) => Math.abs(differences[s] ?? 0)));
  return {
    comparable: true,
    differences,
    note: sameWeights
      ? `differs by up to ${(largest * 100).toFixed(2)} points with the same weights: different arithmetic (execution provider, threads, CPU) reordered near-ties`
      : `differs by up to ${(largest * 100).toFixed(2)} points (different weights; per-query AP is not kept in the history, so no significance test across runs)`,
  };
}

const shortId = (id: string) => id.slice(0, 8);

export function workloadVerdict(reference: ComparedEntry, other: ComparedEntry): WorkloadVerdict {
  const short = (sha: string) => sha.slice(0, 12);
  if (reference.modelSha256 !== other.modelSha256) {
    return { same: false, note: `different graphs (sha256 ${short(reference.modelSha256)}… vs ${short(other.modelSha256)}…): not the same workload, the model differs too` };
  }
  if (reference.tokenizerSha256 !== undefined && other.tokenizerSha256 !== undefined && reference.tokenizerSha256 !== other.tokenizerSha256) {
    return { same: false, note: `same graph (sha256 ${short(reference.modelSha256)}…) but different tokenizers: token counts per query differ, so the workload does` };
  }
  const tokenizerKnown = reference.tokenizerSha256 !== undefined && other.tokenizerSha256 !== undefined;
  return { same: true, note: `same workload: graph sha256 ${short(reference.modelSha256)}…${tokenizerKnown ? ', same tokenizer' : ' (tokenizer not recorded in an older result)'}` };
}

/**
 * Side-by-side latency, throughput and quality of the same model across runs (machines, thread
 * counts, providers), each against the first. Traces are grouped by model, scenario and offline
 * batch size; runs that share no model (or an explicit `RUN:MODEL` choice) form one group.
 *
 * Latency differences get `compareLatency`'s bootstrap intervals: "beyond noise" means beyond the
 * query-to-query sampling noise of the two traces. A machine's state also varies between runs
 * (thermal, background load), which no single pair of runs can measure: repeat runs to see it.
 */
export function compareRuns(selections: readonly CompareSelection[], options: { seed?: number; resamples?: number } = {}): RunsComparison {
  const seed = options.seed ?? 1;
  const resamples = options.resamples ?? 1000;
  const explicit = selections.some((s) => s.model !== undefined);
  const all = selections.flatMap((sel) => {
    const traces = latencyTraces(sel.result).filter((t) => sel.model === undefined || t.model.name === sel.model);
    if (sel.model !== undefined && traces.length === 0) throw new RangeError(`run ${shortId(sel.result.id)} has no model "${sel.model}" (it has ${sel.result.models.map((m) => m.name).join(', ')})`);
    return traces.map((trace) => ({ trace, querySet: querySetKey(sel.result), entry: entryOf(sel, trace) }));
  });

  const byKey = new Map<string, typeof all>();
  for (const item of all) {
    const key = explicit ? 'selected' : JSON.stringify([item.trace.model.name, item.trace.scenario, item.trace.batchSize]);
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  let grouped = [...byKey.values()];
  // Runs with no model in common: compare everything with the first rather than nothing at all.
  if (!explicit && grouped.every((g) => g.length < 2) && all.length > 1) grouped = [all];

  const practicalThreshold = 0.02;
  const groups = grouped.map((items) => {
    const first = items[0].trace;
    const mixed = items.some((i) => i.trace.model.name !== first.model.name || i.trace.batchSize !== first.batchSize || i.trace.scenario !== first.scenario);
    // Within a model's group the machine and run tell entries apart; across models the model too.
    for (const { trace, entry } of items) entry.label = `${mixed ? `${traceName(trace)} @ ` : ''}${entry.machine.label} (${shortId(entry.runId)})`;
    const [reference, ...others] = items;
    for (const other of others) {
      const a = reference.trace.samples;
      const b = other.trace.samples;
      const latency = a.length > 0 && b.length > 0 ? compareLatency(a, b, { seed, resamples, practicalThreshold, labels: { baseline: reference.entry.label, candidate: other.entry.label } }) : null;
      const ra = reference.entry.latency;
      const rb = other.entry.latency;
      other.entry.vsReference = {
        ratios: ra && rb ? { p50: rb.p50Ms / ra.p50Ms, p90: rb.p90Ms / ra.p90Ms, p99: rb.p99Ms / ra.p99Ms, p999: rb.p999Ms / ra.p999Ms, mean: rb.meanMs / ra.meanMs } : null,
        latency,
        throughputRatio: reference.entry.throughputQps && other.entry.throughputQps !== null ? other.entry.throughputQps / reference.entry.throughputQps : null,
        quality: qualityVerdict(reference, other),
        workload: workloadVerdict(reference.entry, other.entry),
      };
    }
    return { title: mixed ? 'selected models, each against the first' : `${traceName(first)} (${first.scenario})`, entries: items.map((i) => i.entry) };
  });

  const notes: string[] = [];
  if (groups.every((g) => g.entries.length < 2)) notes.push('nothing to compare: give at least two runs (or RUN:MODEL choices)');
  if (grouped.length > 0 && !explicit && grouped.length < byKey.size) notes.push('the runs share no model: every trace is compared with the first');
  return { groups, method: { confidence: 0.95, resamples, practicalThreshold, seed }, notes };
}

function entryOf(sel: CompareSelection, trace: LatencyTrace): ComparedEntry {
  return {
    runId: sel.result.id,
    machine: sel.machine,
    label: '',
    model: trace.model.name,
    modelSha256: trace.model.model.sha256,
    ...(trace.model.model.tokenizerSha256 !== undefined && { tokenizerSha256: trace.model.model.tokenizerSha256 }),
    scenario: trace.scenario,
    batchSize: trace.batchSize,
    provider: trace.model.provider.actual,
    threads: trace.model.provider.intraOpThreads,
    // From the samples themselves, as the intervals are: an imported file's summaries are not trusted to match them.
    latency: trace.samples.length > 0 ? summarize(trace.samples.map((x) => x.totalMs)) : null,
    throughputQps: trace.throughputQps,
    quality: qualityOf(trace),
    roofline: rooflineOf(trace),
    vsReference: null,
  };
}

function rooflineOf(trace: LatencyTrace): EntryRoofline | null {
  const e = trace.model.roofline?.efficiency.find((x) => x.batchSize === (trace.batchSize ?? 1));
  if (!e) return null;
  return {
    achievedGflops: e.achievedGflops,
    peakGflops: e.peakGflops,
    fractionOfPeak: e.fractionOfPeak,
    intensity: e.intensity ?? null,
    bandwidthGBs: e.bandwidthGBs ?? null,
    attainableGflops: e.attainableGflops ?? null,
    bound: e.bound ?? null,
    fractionOfAttainable: e.fractionOfAttainable ?? null,
  };
}
