import { histogramBins, type HistogramSeries } from '../histogram-bins.ts';
import { formatMs } from '../format-numbers.ts';
import { axes, frame, legend, niceTicks, seriesColour } from './chart-axis.ts';
import { html, px, type SafeHtml } from './safe-html.ts';

/**
 * The distribution of total latency, one outline per series on shared bins (histogram-bins.ts), as
 * a share of each series' samples (series of different lengths compare). The slower tail beyond
 * the axis is counted in the caption. Dashed lines: medians.
 */
export function histogramChart(series: readonly HistogramSeries[], options: { width?: number; height?: number; xTitle?: string; unit?: 'query' | 'batch' } = {}): SafeHtml {
  const unit = options.unit ?? 'query';
  const hist = histogramBins(series);
  if (!hist) return html`<p class="empty">No samples.</p>`;
  const { lo, hi, binWidth: width, top } = hist;
  const f = frame({ width: options.width ?? 640, height: options.height ?? 240 }, [lo, hi], [0, top]);
  const beyond = hist.series.filter((b) => b.beyond > 0);

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
${hist.series.map(
  (s, i) => html`<path d="${outline(s.shares)}" fill="${seriesColour(i)}" fill-opacity="0.18" stroke="${seriesColour(i)}" stroke-width="1.5"/>
<line x1="${px(f.x(s.p50))}" x2="${px(f.x(s.p50))}" y1="${px(f.top)}" y2="${px(f.bottom)}" stroke="${seriesColour(i)}" stroke-dasharray="4 3"/>`,
)}
</svg>
${legend(hist.series.map((s) => `${s.name} (p50 ${formatMs(s.p50)} ms)`))}
<figcaption>${hist.series.length > 1 ? 'Distributions overlaid on shared bins' : 'Distribution'} of ${options.xTitle ?? 'total latency per query'}; dashed: median.${
    beyond.length > 0 ? html` Beyond the axis (slowest ${unit === 'batch' ? 'batches' : 'queries'}, not drawn): ${beyond.map((b, i) => html`${i > 0 ? ', ' : ''}${b.name} ${b.beyond} (max ${formatMs(b.max)} ms)`)}.` : ''
  }</figcaption>
</figure>`;
}
