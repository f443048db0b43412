import type { RunsComparison } from './compare-runs.ts';
import type { ReportRun } from './report-run.ts';
import type { SweepResult } from '../engine/sweep/run-sweep.ts';
import { formatIntensity, formatRate } from './format-numbers.ts';

/**
 * The roofline plot, as data and as geometry: achieved GFLOP/s against arithmetic intensity (FLOP
 * per byte that must move), both on log axes, under each system's two ceilings — the bandwidth
 * line (GB/s × FLOP/byte = GFLOP/s, slope 1) and the peak (flat) — which meet at the ridge point.
 * A point left of its system's ridge is memory-bound, right of it compute-bound. The HTML report
 * draws the geometry as inline SVG, the app as a Svelte SVG: both from this one module.
 */

/** One system's ceilings: a machine, provider and thread count. */
export interface PlotCeilings {
  label: string;
  peakGflops: number;
  /** Null where the bandwidth was not measured: the peak alone is drawn. */
  bandwidthGBs: number | null;
}

export interface PlotPoint {
  intensity: number;
  gflops: number;
  /** Index into `series` (colour). */
  series: number;
  /** Index into `ceilings`. */
  ceilings: number;
  /** Sweep grid points are drawn as open squares, a run's measured queries as dots. */
  source: 'run' | 'sweep';
  /** Hover text. */
  title: string;
}

export interface RooflinePlotData {
  ceilings: PlotCeilings[];
  series: string[];
  points: PlotPoint[];
}

/** A sweep to plot beside runs: its result and where it ran. */
export interface PlotSweep {
  machine: { id: string; label: string };
  result: SweepResult;
}

class PlotBuilder {
  readonly data: RooflinePlotData = { ceilings: [], series: [], points: [] };
  readonly #ceilingKeys: string[] = [];

  ceilings(key: string, label: string, peakGflops: number, bandwidthGBs: number | null): number {
    const at = this.#ceilingKeys.indexOf(key);
    if (at >= 0) return at;
    this.#ceilingKeys.push(key);
    return this.data.ceilings.push({ label, peakGflops, bandwidthGBs }) - 1;
  }

  series(name: string): number {
    const at = this.data.series.indexOf(name);
    return at >= 0 ? at : this.data.series.push(name) - 1;
  }
}

/** "lab box, cpu, 4 threads": a machine with a provider and thread count, what sets the ceilings. */
export const systemLabel = (machine: string, provider: string, threads: number | null) => `${machine}, ${provider}, ${threads ? `${threads} thread${threads === 1 ? '' : 's'}` : 'default threads'}`;
const shapeText = (batchSize: number, tokens: number) => `batch ${batchSize} × ${tokens} tokens`;

/**
 * Every measured shape of every model of `runs` (one point per batch size × token count), and the
 * configurations of `sweeps` of the same models on the same machines: each under the ceilings of
 * its machine, provider and thread count.
 */
export function rooflinePlotOfRuns(runs: readonly ReportRun[], sweeps: readonly PlotSweep[] = []): RooflinePlotData {
  const plot = new PlotBuilder();
  const several = runs.length > 1;
  for (const run of runs) {
    for (const m of run.result.models) {
      const r = m.roofline;
      const peak = r?.efficiency[0]?.peakGflops;
      if (!r || !r.points || peak == null) continue;
      const threads = m.provider.intraOpThreads;
      const system = systemLabel(run.machine.label, m.provider.actual, threads);
      const ceilings = plot.ceilings(`${run.machine.id}|${m.provider.actual}|${threads ?? ''}`, system, peak, r.efficiency[0].bandwidthGBs ?? null);
      const series = plot.series(several ? `${m.name} @ ${system}` : m.name);
      for (const p of r.points) {
        if (p.intensity == null || p.achievedGflops === null) continue;
        plot.data.points.push({ intensity: p.intensity, gflops: p.achievedGflops, series, ceilings, source: 'run', title: `${m.name}, ${shapeText(p.batchSize, p.tokens)}: ${formatRate(p.achievedGflops)} GFLOP/s at ${formatIntensity(p.intensity)} FLOP/byte (${p.runs} runs)` });
      }
    }
  }
  for (const sweep of sweeps) {
    for (const c of sweep.result.configurations) {
      const e = c.efficiency;
      if (!e || e.intensity == null || e.achievedGflops === null || e.peakGflops === null) continue;
      const system = systemLabel(sweep.machine.label, c.settings.provider, c.settings.threads);
      const ceilings = plot.ceilings(`${sweep.machine.id}|${c.settings.provider}|${c.settings.threads ?? ''}`, system, e.peakGflops, e.bandwidthGBs ?? null);
      const variant = c.settings.variant === 'default' ? '' : ` ${c.settings.variant}`;
      const series = plot.series(`${sweep.result.model.name}${variant} sweep, ${system}`);
      plot.data.points.push({ intensity: e.intensity, gflops: e.achievedGflops, series, ceilings, source: 'sweep', title: `sweep ${sweep.result.model.name}${variant}, ${shapeText(c.workload.batchSize, c.workload.tokens)}: ${formatRate(e.achievedGflops)} GFLOP/s at ${formatIntensity(e.intensity)} FLOP/byte` });
    }
  }
  return plot.data;
}

/** One point per compared trace, each under its own machine's ceilings: machines side by side on one plot. */
export function rooflinePlotOfComparison(comparison: RunsComparison): RooflinePlotData {
  const plot = new PlotBuilder();
  for (const g of comparison.groups) {
    for (const e of g.entries) {
      const r = e.roofline;
      if (!r || r.intensity == null || r.achievedGflops === null || r.peakGflops === null) continue;
      const system = systemLabel(e.machine.label, e.provider, e.threads);
      const ceilings = plot.ceilings(`${e.machine.id}|${e.provider}|${e.threads ?? ''}`, system, r.peakGflops, r.bandwidthGBs ?? null);
      const series = plot.series(`${e.batchSize === null ? e.model : `${e.model}, batch ${e.batchSize}`} @ ${system}`);
      plot.data.points.push({ intensity: r.intensity, gflops: r.achievedGflops, series, ceilings, source: 'run', title: `${e.model} on ${system} (${e.runId.slice(0, 8)}): ${formatRate(r.achievedGflops)} GFLOP/s at ${formatIntensity(r.intensity)} FLOP/byte` });
    }
  }
  return plot.data;
}

export interface PlotTick {
  value: number;
  at: number;
  label: string;
}

export interface RooflineGeometry {
  width: number;
  height: number;
  area: { left: number; right: number; top: number; bottom: number };
  xTicks: PlotTick[];
  yTicks: PlotTick[];
  /** Unlabelled grid lines between the decades (2 … 9). */
  xMinor: number[];
  yMinor: number[];
  ceilings: {
    /** SVG polyline points, "x,y x,y …". */
    line: string;
    label: { x: number; y: number; text: string };
    /** Where the ceilings meet, if within the plot. */
    ridge: { x: number; y: number; intensity: number } | null;
    /** Dash pattern, one per system so that several read apart. */
    dash: string;
  }[];
  points: (PlotPoint & { x: number; y: number })[];
}

const DASHES = ['', '6 4', '2 3', '10 3 2 3'];

function decades(lo: number, hi: number): [number, number] {
  const a = Math.floor(Math.log10(lo));
  let b = Math.ceil(Math.log10(hi));
  if (b - a < 2) b = a + 2;
  return [a, b];
}

/** Pixel geometry of a plot of `size`; null when there is nothing to draw (no ceilings and no points). */
export function rooflineGeometry(data: RooflinePlotData, size: { width: number; height: number } = { width: 720, height: 360 }): RooflineGeometry | null {
  if (data.ceilings.length === 0 || data.points.length === 0) return null;
  const ridges = data.ceilings.flatMap((c) => (c.bandwidthGBs ? [c.peakGflops / c.bandwidthGBs] : []));
  const intensities = [...data.points.map((p) => p.intensity), ...ridges].filter((v) => v > 0);
  const rates = [...data.points.map((p) => p.gflops), ...data.ceilings.map((c) => c.peakGflops)].filter((v) => v > 0);
  const [x0, x1] = decades(Math.min(...intensities) / 2, Math.max(...intensities) * 2);
  const [y0, y1] = decades(Math.min(...rates) / 2, Math.max(...rates) * 1.6);
  const area = { left: 64, right: size.width - 16, top: 14, bottom: size.height - 42 };
  const x = (v: number) => area.left + ((Math.log10(v) - x0) / (x1 - x0)) * (area.right - area.left);
  const y = (v: number) => area.bottom - ((Math.log10(v) - y0) / (y1 - y0)) * (area.bottom - area.top);
  const [xLo, xHi, yLo, yHi] = [10 ** x0, 10 ** x1, 10 ** y0, 10 ** y1];
  const ticks = (from: number, to: number, at: (v: number) => number): PlotTick[] =>
    Array.from({ length: to - from + 1 }, (_, i) => 10 ** (from + i)).map((value) => ({ value, at: at(value), label: String(Number(value.toPrecision(6))) }));
  const minor = (from: number, to: number, at: (v: number) => number) => Array.from({ length: to - from }, (_, i) => [2, 3, 4, 5, 6, 7, 8, 9].map((k) => at(k * 10 ** (from + i)))).flat();
  const pt = (ix: number, gy: number) => `${round(x(ix))},${round(y(Math.min(yHi, gy)))}`;

  const ceilings = data.ceilings.map((c, i) => {
    const bw = c.bandwidthGBs;
    const ridgeAt = bw ? c.peakGflops / bw : null;
    const vertices: string[] = [];
    if (bw && ridgeAt !== null && ridgeAt > xLo) {
      // The bandwidth line from where it enters the plot, up to the ridge (or the right edge).
      const start = Math.max(xLo, yLo / bw);
      vertices.push(pt(start, bw * start));
      if (ridgeAt < xHi) vertices.push(pt(ridgeAt, c.peakGflops), pt(xHi, c.peakGflops));
      else vertices.push(pt(xHi, bw * xHi));
    } else {
      vertices.push(pt(xLo, c.peakGflops), pt(xHi, c.peakGflops));
    }
    const text = `${c.label}: ${formatRate(c.peakGflops)} GFLOP/s${bw ? `, ${formatRate(bw)} GB/s` : ', bandwidth not measured'}`;
    return {
      line: vertices.join(' '),
      // Above the flat part, right-aligned, stacked when several systems share the plot.
      label: { x: round(area.right - 4), y: round(Math.max(area.top + 10, y(c.peakGflops) - 5 - 13 * i)), text },
      ridge: ridgeAt !== null && ridgeAt > xLo && ridgeAt < xHi ? { x: round(x(ridgeAt)), y: round(y(c.peakGflops)), intensity: ridgeAt } : null,
      dash: DASHES[i % DASHES.length],
    };
  });
  return {
    width: size.width,
    height: size.height,
    area,
    xTicks: ticks(x0, x1, x),
    yTicks: ticks(y0, y1, y),
    xMinor: minor(x0, x1, x).map(round),
    yMinor: minor(y0, y1, y).map(round),
    ceilings,
    points: data.points.map((p) => ({ ...p, x: round(x(Math.min(xHi, Math.max(xLo, p.intensity)))), y: round(y(Math.min(yHi, Math.max(yLo, p.gflops)))) })),
  };
}

const round = (v: number) => Math.round(v * 100) / 100;
