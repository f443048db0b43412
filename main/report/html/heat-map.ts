import { html, px, type SafeHtml } from './safe-html.ts';

/** Sequential scale from pale to deep blue (ColorBrewer "Blues"): darker is higher mAP. */
const STOPS: [number, number, number][] = [
  [247, 251, 255],
  [198, 219, 239],
  [107, 174, 214],
  [33, 113, 181],
  [8, 48, 107],
];

export function heatColour(value: number): string {
  const t = Math.min(1, Math.max(0, value)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(t));
  const f = t - i;
  const [r, g, b] = STOPS[i].map((c, k) => Math.round(c + (STOPS[i + 1][k] - c) * f));
  return `rgb(${r},${g},${b})`;
}

/**
 * The cross-lingual matrix: mAP of every (query language → candidate language) pair, on a fixed
 * 0–1 scale so that two models' maps compare by eye. The diagonal is monolingual retrieval.
 */
export function heatMap(matrix: { languages: readonly string[]; map: readonly (readonly (number | null)[])[] }, title: string): SafeHtml {
  const cell = 40;
  const head = 34;
  const n = matrix.languages.length;
  const size = head + n * cell;
  return html`<figure class="heat">
<svg viewBox="0 0 ${size + 4} ${size + 18}" width="${size + 4}" role="img" aria-label="${title}">
<text class="corner" x="2" y="12">query ↓ / pool →</text>
${matrix.languages.map(
  (lang, j) => html`<text class="lang" x="${px(head + j * cell + cell / 2)}" y="${px(head - 8)}" text-anchor="middle">${lang}</text>
<text class="lang" x="${px(head - 6)}" y="${px(head + j * cell + cell / 2 + 4)}" text-anchor="end">${lang}</text>`,
)}
${matrix.map.map((row, i) =>
  row.map((value, j) => {
    const x = head + j * cell;
    const y = head + i * cell;
    if (value === null) return html`<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="#eee"/><text class="cell" x="${px(x + cell / 2)}" y="${px(y + cell / 2 + 4)}" text-anchor="middle">–</text>`;
    return html`<rect x="${x}" y="${y}" width="${cell - 1}" height="${cell - 1}" fill="${heatColour(value)}"${i === j ? html` stroke="#333" stroke-width="1"` : ''}><title>${matrix.languages[i]} → ${matrix.languages[j]}: mAP ${value.toFixed(3)}</title></rect><text class="${value > 0.55 ? 'cell on-dark' : 'cell'}" x="${px(x + cell / 2)}" y="${px(y + cell / 2 + 4)}" text-anchor="middle">${value.toFixed(2)}</text>`;
  }),
)}
</svg>
<figcaption>${title}</figcaption>
</figure>`;
}

/** The colour scale's key, shown once beside the maps. */
export function heatKey(): SafeHtml {
  const steps = Array.from({ length: 11 }, (_, i) => i / 10);
  return html`<div class="heat-key">mAP ${steps.map((v) => html`<span style="background:${heatColour(v)};color:${v > 0.55 ? '#fff' : '#111'}">${v.toFixed(1)}</span>`)}</div>`;
}
