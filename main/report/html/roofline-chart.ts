import { rooflineGeometry, type RooflinePlotData } from '../roofline-plot.ts';
import { legend, seriesColour } from './chart-axis.ts';
import { html, px, type SafeHtml } from './safe-html.ts';

/** The roofline plot (roofline-plot.ts) as inline SVG: log-log axes, each system's two ceilings, the measured points. */
export function rooflineChart(data: RooflinePlotData, options: { caption?: string; width?: number; height?: number } = {}): SafeHtml {
  const g = rooflineGeometry(data, { width: options.width ?? 720, height: options.height ?? 360 });
  if (!g) return html`<p class="muted">No roofline to plot: no point has both a measured ceiling and a byte count.</p>`;
  const { area } = g;
  return html`<figure class="chart roofline" data-points="${g.points.length}" data-ceilings="${g.ceilings.length}">
<svg viewBox="0 0 ${g.width} ${g.height}" role="img" aria-label="Roofline: achieved GFLOP/s against arithmetic intensity, with the peak and bandwidth ceilings">
<g class="axis">
${g.xMinor.map((v) => html`<line class="grid minor" x1="${px(v)}" x2="${px(v)}" y1="${px(area.top)}" y2="${px(area.bottom)}"/>`)}
${g.yMinor.map((v) => html`<line class="grid minor" x1="${px(area.left)}" x2="${px(area.right)}" y1="${px(v)}" y2="${px(v)}"/>`)}
${g.xTicks.map((t) => html`<line class="grid" x1="${px(t.at)}" x2="${px(t.at)}" y1="${px(area.top)}" y2="${px(area.bottom)}"/><text x="${px(t.at)}" y="${px(area.bottom + 16)}" text-anchor="middle">${t.label}</text>`)}
${g.yTicks.map((t) => html`<line class="grid" x1="${px(area.left)}" x2="${px(area.right)}" y1="${px(t.at)}" y2="${px(t.at)}"/><text x="${px(area.left - 6)}" y="${px(t.at + 4)}" text-anchor="end">${t.label}</text>`)}
<line class="baseline" x1="${px(area.left)}" x2="${px(area.right)}" y1="${px(area.bottom)}" y2="${px(area.bottom)}"/>
<line class="baseline" x1="${px(area.left)}" x2="${px(area.left)}" y1="${px(area.top)}" y2="${px(area.bottom)}"/>
<text class="title" x="${px((area.left + area.right) / 2)}" y="${px(g.height - 6)}" text-anchor="middle">arithmetic intensity (FLOP per byte that must move, log)</text>
<text class="title" transform="translate(14 ${px((area.top + area.bottom) / 2)}) rotate(-90)" text-anchor="middle">achieved GFLOP/s (log)</text>
</g>
${g.ceilings.map(
  (c) => html`<polyline class="ceiling" points="${c.line}" fill="none" stroke="#444" stroke-width="2"${c.dash ? html` stroke-dasharray="${c.dash}"` : ''}/>
${c.ridge ? html`<circle cx="${px(c.ridge.x)}" cy="${px(c.ridge.y)}" r="3" fill="#444"><title>ridge: ${c.ridge.intensity.toFixed(1)} FLOP/byte</title></circle>` : ''}
<text class="ceiling-label" x="${px(c.label.x)}" y="${px(c.label.y)}" text-anchor="end">${c.label.text}</text>`,
)}
${g.points.map((p) =>
  p.source === 'sweep'
    ? html`<rect x="${px(p.x - 3.5)}" y="${px(p.y - 3.5)}" width="7" height="7" fill="none" stroke="${seriesColour(p.series)}" stroke-width="1.5"><title>${p.title}</title></rect>`
    : html`<circle cx="${px(p.x)}" cy="${px(p.y)}" r="3.5" fill="${seriesColour(p.series)}" fill-opacity="0.8"><title>${p.title}</title></circle>`,
)}
</svg>
${legend(data.series)}
<figcaption>${options.caption ?? 'Achieved GFLOP/s per batch size × token count'}. Lines: each system's ceilings — read bandwidth × intensity up to the ridge (dot), then the peak MatMul rate; left of the ridge a point is memory-bound, right of it compute-bound. Dots: measured runs; open squares: sweep grids.</figcaption>
</figure>`;
}
