import { percentileOfSorted, sortedCopy } from '../../engine/latency/percentiles.ts';
import { formatMs } from '../format-numbers.ts';
import { axes, frame, legend, niceTicks, seriesColour } from './chart-axis.ts';
import { html, px, type SafeHtml } from './safe-html.ts';

export interface HistogramSeries {
  name: string;
  values: ArrayLike<number>;
}

/** About 2√n bins, 10 to 48: enough to show the shape, few enough that small runs are not all noise. */
function binCount(n: number): number {
  return Math.min(48, Math.max(10, Math.ceil(2 * Math.sqrt(n))));
}

/**
 * The distribution of total latency, one outline per series on shared bins, as a share of each
 * series' samples (series of different lengths compare). The axis stops near the largest p99.9;
 * the slower tail is counted in the caption. Dashed lines: medians.
 */
export function histogramChart(series: readonly HistogramSeries[], options: { width?: number; height?: number; xTitle?: string; unit?: 'query' | 'batch' } = {}): SafeHtml {
  const unit = options.unit ?? 'query';
  const sorted = series.filter((s) => s.values.length > 0).map((s) => ({ name: s.name, sorted: sortedCopy(s.values) }));
  if (sorted.length === 0) return html`<p class="empty">No samples.</p>`;
  const lo = Math.min(...sorted.map((s) => s.sorted[0]));
  // Up to the largest p99.9, but no further than 1.15 × the largest p99: a few stalls must not
  // squeeze the distribution into one corner (the trace chart shows them one by one).
  let hi = Math.min(Math.max(...sorted.map((s) => percentileOfSorted(s.sorted, 99.9))), 1.15 * Math.max(...sorted.map((s) => percentileOfSorted(s.sorted, 99))));
  const bins = binCount(Math.max(...sorted.map((s) => s.sorted.length)));
  if (!(hi > lo)) hi = lo + Math.max(Math.abs(lo) * 0.1, 1e-3);
  const width = (hi - lo) / bins;
  const shares = sorted.map((s) => {
    const counts = new Float64Array(bins);
    for (const v of s.sorted) if (v <= hi) counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    return Array.from(counts, (c) => c / s.sorted.length);
  });
  const top = Math.max(...shares.flat()) * 1.08;
  const f = frame({ width: options.width ?? 640, height: options.height ?? 240 }, [lo, hi], [0, top]);
  const beyond = sorted.map((s) => ({ name: s.name, count: s.sorted.length - upperBound(s.sorted, hi), max: s.sorted[s.sorted.length - 1] })).filter((b) => b.count > 0);

  const outline = (share: number[]) => {
    let d = `M${px(f.x(lo))},${px(f.y(0))}`;
    share.forEach((s, i) => {
      d += `V${px(f.y(s))}H${px(f.x(lo + (i + 1) * width))}`;
    });
    return `${d}V${px(f.y(0))}Z`;
  };
  return html`<figure class="chart">
<svg viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="Latency histogram">
${axes(f, niceTicks(lo, hi, 6), niceTicks(0, top, 4), { x: options.xTitle ?? 'total latency (ms)', y: unit === 'batch' ? 'share of batches' : 'share of queries' }, (v) => `${Math.round(v * 1000) / 10}%`)}
${shares.map(
  (share, i) => html`<path d="${outline(share)}" fill="${seriesColour(i)}" fill-opacity="0.18" stroke="${seriesColour(i)}" stroke-width="1.5"/>
<line x1="${px(f.x(percentileOfSorted(sorted[i].sorted, 50)))}" x2="${px(f.x(percentileOfSorted(sorted[i].sorted, 50)))}" y1="${px(f.top)}" y2="${px(f.bottom)}" stroke="${seriesColour(i)}" stroke-dasharray="4 3"/>`,
)}
</svg>
${legend(sorted.map((s) => `${s.name} (p50 ${formatMs(percentileOfSorted(s.sorted, 50))} ms)`))}
<figcaption>${sorted.length > 1 ? 'Distributions overlaid on shared bins' : 'Distribution'} of ${options.xTitle ?? 'total latency per query'}; dashed: median.${
    beyond.length > 0 ? html` Beyond the axis (slowest ${unit === 'batch' ? 'batches' : 'queries'}, not drawn): ${beyond.map((b, i) => html`${i > 0 ? ', ' : ''}${b.name} ${b.count} (max ${formatMs(b.max)} ms)`)}.` : ''
  }</figcaption>
</figure>`;
}

/** Index of the first value greater than `x` in ascending `sorted`. */
function upperBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
