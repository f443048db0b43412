import { html, px, type SafeHtml } from './safe-html.ts';

/** Round tick values (1, 2, 2.5 or 5 × 10^k) covering [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const ticks: number[] = [];
  // Whole multiples of the step, rounded to 12 digits: 3 × 0.025 is 0.075, not 0.07500000000000001.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Shortest decimal form of a tick: 0.25, 2, 1500. */
export function tickLabel(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** The plot area of a chart and the mapping of data to it. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
  x(value: number): number;
  y(value: number): number;
}

export function frame(size: { width: number; height: number }, xDomain: [number, number], yDomain: [number, number]): Frame {
  const margin = { left: 56, right: 16, top: 12, bottom: 40 };
  const left = margin.left;
  const right = size.width - margin.right;
  const top = margin.top;
  const bottom = size.height - margin.bottom;
  const [x0, x1] = xDomain;
  const [y0, y1] = yDomain;
  return {
    width: size.width,
    height: size.height,
    left,
    right,
    top,
    bottom,
    x: (v) => left + ((v - x0) / (x1 - x0 || 1)) * (right - left),
    y: (v) => bottom - ((v - y0) / (y1 - y0 || 1)) * (bottom - top),
  };
}

/** Grid lines, tick labels and axis titles for a frame. */
export function axes(f: Frame, xTicks: number[], yTicks: number[], titles: { x: string; y: string }, yFormat: (v: number) => string = tickLabel): SafeHtml {
  return html`<g class="axis">
${yTicks.map((t) => html`<line class="grid" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.y(t))}" y2="${px(f.y(t))}"/><text x="${px(f.left - 6)}" y="${px(f.y(t) + 4)}" text-anchor="end">${yFormat(t)}</text>`)}
${xTicks.map((t) => html`<line class="tick" x1="${px(f.x(t))}" x2="${px(f.x(t))}" y1="${px(f.bottom)}" y2="${px(f.bottom + 4)}"/><text x="${px(f.x(t))}" y="${px(f.bottom + 16)}" text-anchor="middle">${tickLabel(t)}</text>`)}
<line class="baseline" x1="${px(f.left)}" x2="${px(f.right)}" y1="${px(f.bottom)}" y2="${px(f.bottom)}"/>
<text class="title" x="${px((f.left + f.right) / 2)}" y="${px(f.height - 6)}" text-anchor="middle">${titles.x}</text>
<text class="title" transform="translate(14 ${px((f.top + f.bottom) / 2)}) rotate(-90)" text-anchor="middle">${titles.y}</text>
</g>`;
}

/** Series colours: distinguishable, and readable for the common colour-vision deficiencies (Okabe–Ito). */
export const SERIES_COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000', '#f0e442'] as const;

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length];
}

export function legend(names: readonly string[]): SafeHtml {
  return html`<div class="legend">${names.map((name, i) => html`<span><i style="background:${seriesColour(i)}"></i>${name}</span>`)}</div>`;
}
