import { percentileOfSorted, sortedCopy } from '../../engine/latency/percentiles.ts';
import { formatMs } from '../format-numbers.ts';
import { axes, frame, legend, niceTicks, seriesColour } from './chart-axis.ts';
import { html, px, type SafeHtml } from './safe-html.ts';

export interface TraceSeries {
  name: string;
  /** Total latency of each sample, in the order measured. */
  values: ArrayLike<number>;
}

/** Above this many samples in all, a series is drawn as per-column min–max bands and medians. */
const DOT_LIMIT = 3000;
const COLUMNS = 400;

/**
 * Latency of every query in the order measured: drift, warm-up left-overs and periodic stalls
 * show here and nowhere in a percentile table. Few samples: one dot each. Many: per column of the
 * plot, a band from the fastest to the slowest query and a line through the medians — every
 * outlier still shows. The axis stops a little above the largest p99.9; slower queries sit on
 * the top edge, counted in the caption.
 */
export function traceChart(series: readonly TraceSeries[], options: { width?: number; height?: number; xTitle?: string; unit?: 'query' | 'batch' } = {}): SafeHtml {
  const unit = options.unit ?? 'query';
  const kept = series.filter((s) => s.values.length > 0);
  if (kept.length === 0) return html`<p class="empty">No samples.</p>`;
  const n = Math.max(...kept.map((s) => s.values.length));
  const ceiling = Math.max(...kept.map((s) => percentileOfSorted(sortedCopy(s.values), 99.9))) * 1.15;
  const f = frame({ width: options.width ?? 640, height: options.height ?? 240 }, [0, Math.max(1, n - 1)], [0, ceiling]);
  const clamp = (v: number) => px(f.y(Math.min(v, ceiling)));
  const dots = kept.reduce((sum, s) => sum + s.values.length, 0) <= DOT_LIMIT;

  const drawn = kept.map((s, i) => {
    const colour = seriesColour(i);
    if (dots) {
      let d = '';
      for (let k = 0; k < s.values.length; k++) d += `M${px(f.x(k))},${clamp(s.values[k])}h0`;
      return html`<path d="${d}" stroke="${colour}" stroke-width="3" stroke-linecap="round" stroke-opacity="0.75"/>`;
    }
    let band = '';
    let median = '';
    const perColumn = s.values.length / COLUMNS;
    for (let c = 0; c < COLUMNS && c * perColumn < s.values.length; c++) {
      const from = Math.floor(c * perColumn);
      const to = Math.max(from + 1, Math.floor((c + 1) * perColumn));
      const column = sortedCopy(Array.prototype.slice.call(s.values, from, to) as number[]);
      const x = px(f.x((from + to - 1) / 2));
      band += `M${x},${clamp(column[0])}V${clamp(column[column.length - 1])}`;
      median += `${median === '' ? 'M' : 'L'}${x},${clamp(percentileOfSorted(column, 50))}`;
    }
    return html`<path d="${band}" stroke="${colour}" stroke-width="${px(Math.max(1, (f.right - f.left) / COLUMNS))}" stroke-opacity="0.25"/><path d="${median}" fill="none" stroke="${colour}" stroke-width="1.2"/>`;
  });
  const above = kept.map((s) => ({ name: s.name, count: Array.prototype.filter.call(s.values, (v: number) => v > ceiling).length })).filter((a) => a.count > 0);
  return html`<figure class="chart">
<svg viewBox="0 0 ${f.width} ${f.height}" role="img" aria-label="Latency per query in measurement order">
${axes(f, niceTicks(0, n - 1, 6), niceTicks(0, ceiling, 4), { x: options.xTitle ?? `${unit}, in the order measured`, y: 'total latency (ms)' })}
${drawn}
</svg>
${legend(kept.map((s) => s.name))}
<figcaption>${dots ? `One dot per ${unit}` : `Per column of about ${Math.ceil(n / COLUMNS)} ${unit === 'batch' ? 'batches' : 'queries'}: band from fastest to slowest, line through the medians`}.${
    above.length > 0 ? html` Above ${formatMs(ceiling)} ms, drawn on the top edge: ${above.map((a, i) => html`${i > 0 ? ', ' : ''}${a.name} ${a.count}`)}.` : ''
  }</figcaption>
</figure>`;
}
