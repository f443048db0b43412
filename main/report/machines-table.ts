import type { ComparedEntry, RunsComparison } from './compare-runs.ts';
import { shortVerdict } from './comparison-table.ts';
import { formatIntensity, formatMs, formatQps, formatRate, formatShare } from './format-numbers.ts';
import { systemLabel } from './roofline-plot.ts';
import type { TextTable } from './roofline-tables.ts';

/**
 * Machines × models on one page: for each system (a machine with a provider and thread count —
 * what sets its ceilings) and each model compared, the latency, the throughput, and the achieved
 * rate against that system's own ceilings (peak MatMul rate, read bandwidth), with the latency
 * verdict against the comparison's reference. Null when the runs come from a single system.
 */
export function machinesTable(comparison: RunsComparison): TextTable | null {
  const systemOf = (e: ComparedEntry) => systemLabel(e.machine.label, e.provider, e.threads);
  const systems = new Map<string, string>();
  for (const g of comparison.groups) for (const e of g.entries) systems.set(`${e.machine.id}|${e.provider}|${e.threads ?? ''}`, systemOf(e));
  if (systems.size < 2) return null;
  const rows = comparison.groups.flatMap((g) =>
    g.entries.map((e, i) => {
      const r = e.roofline;
      const ceilings = r?.peakGflops == null ? '-' : `${formatRate(r.peakGflops)} GFLOP/s, ${formatRate(r.bandwidthGBs)} GB/s`;
      const verdict = i === 0 ? 'reference' : e.vsReference?.latency ? shortVerdict(e.vsReference.latency.median, comparison.method.practicalThreshold) : 'no samples to compare';
      return [
        `${systemOf(e)} (${e.runId.slice(0, 8)})`,
        ceilings,
        e.batchSize === null ? e.model : `${e.model}, batch ${e.batchSize}`,
        formatMs(e.latency?.p50Ms),
        formatMs(e.latency?.p99Ms),
        formatQps(e.throughputQps),
        formatRate(r?.achievedGflops),
        formatIntensity(r?.intensity),
        r?.fractionOfAttainable == null ? '-' : `${formatShare(r.fractionOfAttainable)} (${r.bound}-bound)`,
        formatShare(r?.fractionOfPeak),
        verdict,
      ];
    }),
  );
  return {
    header: ['machine, provider, threads (run)', 'ceilings: peak, read', 'model', 'p50 ms', 'p99 ms', 'q/s', 'GFLOP/s', 'FLOP/byte', 'of attainable', 'of peak', 'p50 vs reference'],
    rows,
  };
}
