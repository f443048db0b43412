import type { StageShares } from '../../engine/latency/stage-breakdown.ts';
import { formatMs, formatShare } from '../format-numbers.ts';
import { STAGE_COLOURS } from '../stage-colours.ts';
import { html, px, type SafeHtml } from './safe-html.ts';


/** Where each model's time goes: one bar per model split by the stages' shares of the mean. */
export function stageBars(rows: readonly { name: string; shares: StageShares }[]): SafeHtml {
  if (rows.length === 0) return html``;
  const width = 640;
  const label = 170;
  const bar = 22;
  const height = rows.length * (bar + 8) + 4;
  return html`<figure class="chart bars">
<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Share of time per stage">
${rows.map((row, r) => {
  let x = label;
  const y = 2 + r * (bar + 8);
  return html`<text x="${label - 8}" y="${px(y + bar / 2 + 4)}" text-anchor="end">${row.name}</text>
${STAGE_COLOURS.map(({ key, colour }) => {
  const share = Math.max(0, row.shares.share[key]);
  const w = share * (width - label - 70);
  const rect = html`<rect x="${px(x)}" y="${y}" width="${px(w)}" height="${bar}" fill="${colour}"><title>${key}: ${formatShare(share)} (${formatMs(row.shares.meanMs[key])} ms mean)</title></rect>`;
  x += w;
  return rect;
})}
<text x="${px(x + 6)}" y="${px(y + bar / 2 + 4)}">${formatMs(row.shares.meanMs.total)} ms</text>`;
})}
</svg>
<div class="legend">${STAGE_COLOURS.map(({ key, colour }) => html`<span><i style="background:${colour}"></i>${key}</span>`)}</div>
<figcaption>Share of the mean total per stage; "other" is the time outside the three stages (call overhead, and queueing in server runs).</figcaption>
</figure>`;
}
