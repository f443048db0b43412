import type { ModelRun } from '../engine/run/run-result.ts';
import type { Efficiency, Roofline } from '../engine/roofline/efficiency.ts';
import type { OperatorCategory } from '../engine/roofline/operator-profile.ts';
import { formatFlops, formatIntensity, formatBytes, formatMs, formatRate, formatShare, formatTime } from './format-numbers.ts';

/**
 * A run's roofline as rows of text — what the CLI summary, the Markdown and HTML reports and the
 * app all show, so the figures read the same everywhere.
 */
export interface TextTable {
  header: string[];
  rows: string[][];
}

/** In the engine's order (a type import only: the app's bundle takes no engine code). */
const CATEGORY_NAMES: Record<OperatorCategory, string> = {
  matmul: 'MatMul',
  attention: 'attention',
  layerNorm: 'LayerNorm',
  gelu: 'GELU',
  elementwise: 'elementwise',
  copies: 'copies',
  other: 'other',
};

export const boundName = (e: Pick<Efficiency, 'bound'>) => (e.bound ? `${e.bound}-bound` : '-');

/** One row per model and batch size: the achieved rate, both ceilings, and how close it comes. */
export function rooflineTable(models: readonly ModelRun[]): TextTable {
  const rows = models.flatMap((m) =>
    (m.roofline?.efficiency ?? []).map((e) => [
      m.name,
      String(e.batchSize),
      formatRate(e.achievedGflops),
      formatIntensity(e.intensity),
      formatRate(e.peakGflops),
      formatRate(e.bandwidthGBs),
      formatRate(e.attainableGflops),
      boundName(e),
      formatShare(e.fractionOfAttainable),
      formatShare(e.fractionOfPeak),
    ]),
  );
  return {
    header: ['model', 'batch', 'GFLOP/s', 'FLOP/byte', 'peak GFLOP/s', 'read GB/s', 'attainable GFLOP/s', 'bound', 'of attainable', 'of peak'],
    rows,
  };
}

/** One row per model and profiled batch size: the share of each operator category in a graph run. */
export function operatorShareTable(models: readonly ModelRun[]): TextTable {
  const categories = Object.keys(CATEGORY_NAMES) as OperatorCategory[];
  const rows = models.flatMap((m) =>
    (m.roofline?.operators ?? []).map((p) => [
      m.name,
      String(p.batchSize),
      formatMs(p.runMs),
      ...categories.map((c) => formatShare(p.categories.find((x) => x.category === c)?.share)),
      formatShare(p.betweenKernels.share),
      formatRate(p.matmulGflops),
    ]),
  );
  return { header: ['model', 'batch', 'ms per run (profiled)', ...categories.map((c) => CATEGORY_NAMES[c]), 'between kernels', 'MatMul kernels GFLOP/s'], rows };
}

/** The ceilings a roofline was measured against, in one line. */
export function ceilingsLine(r: Roofline): string {
  const parts: string[] = [];
  const peak = r.peak;
  if (peak) {
    const fp32 = peak.fp32.supported ? `${formatRate(peak.fp32.gflops)} GFLOP/s fp32 (MatMul ${peak.fp32.best.m}×${peak.fp32.best.k}×${peak.fp32.best.n})` : `no fp32 peak (${peak.fp32.reason})`;
    parts.push(`peak ${fp32}${peak.fp16.supported ? `, ${formatRate(peak.fp16.gflops)} fp16` : ''}`);
  }
  const bw = r.bandwidth;
  if (bw) parts.push(bw.read.supported ? `read bandwidth ${formatRate(bw.read.gbPerS)} GB/s (fastest run ${formatRate(bw.read.bestGbPerS)}; ${bw.kernel})` : `no bandwidth (${bw.read.reason})`);
  if (parts.length === 0) return 'no ceilings measured';
  const where = peak ?? bw!;
  const loads = [peak?.load, bw?.load].filter((l) => l != null).map((l) => `${l!.before.toFixed(1)}→${l!.after.toFixed(1)}`);
  const cached = r.peakFromCache && (r.bandwidthFromCache ?? false) ? `cached from ${formatTime(where.measuredAt)}` : `measured ${formatTime(where.measuredAt)}`;
  const threads = where.intraOpThreads === null ? 'default threads' : `${where.intraOpThreads} thread${where.intraOpThreads === 1 ? '' : 's'}`;
  return `${parts.join('; ')}: ${where.provider}, ${threads}, ${cached}${loads.length > 0 ? `, load average ${loads.join(' and ')}` : ''}`;
}

/**
 * FLOPs and bytes of one forward pass at the reference shape, in one line: the total in the unit its
 * size calls for ("22.4 GFLOP", "682 FLOP"), its parts in the same unit, reducing scatters among
 * them where the graph has any.
 */
export function workLine(r: Roofline): string {
  const f = r.flops;
  const scatter = f.scatter ?? 0;
  const flops = formatFlops(f.total, f.weights, f.attention, scatter);
  const [weights, attention, scatters] = flops.parts;
  const bytes = r.bytes
    ? `; ${formatBytes(r.bytes.weightBytes)} of weights and ${formatBytes(r.bytes.ioBytes)} in/out must move (activations, unfused and uncached: ${formatBytes(r.bytes.activationBytes)}), ${formatIntensity(f.total / r.bytes.memoryBytes)} FLOP/byte`
    : '';
  return `${flops.total} ${flops.unit} per query at ${f.sequence} tokens (MatMul/Gemm ${weights}, attention ${attention}${scatter > 0 ? `, reducing scatters ${scatters}` : ''})${bytes}`;
}
