import { describe, expect, it } from 'vitest';
import { niceTicks, tickLabel } from '../../main/report/html/chart-axis.ts';
import { heatColour } from '../../main/report/html/heat-map.ts';
import { histogramChart } from '../../main/report/html/histogram-chart.ts';
import { traceChart } from '../../main/report/html/trace-chart.ts';

describe('chart parts', () => {
  it('place ticks on round values', () => {
    expect(niceTicks(0, 10, 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(niceTicks(3.2, 7.9, 5)).toEqual([4, 5, 6, 7]);
    expect(niceTicks(0, 0.1, 4)).toEqual([0, 0.025, 0.05, 0.075, 0.1]);
    expect(niceTicks(5, 5)).toEqual([5]);
    expect(tickLabel(0.1 + 0.2)).toBe('0.3');
  });

  it('colour mAP on a fixed scale from pale to deep blue, clamped', () => {
    expect(heatColour(0)).toBe('rgb(247,251,255)');
    expect(heatColour(1)).toBe('rgb(8,48,107)');
    expect(heatColour(0.5)).toBe('rgb(107,174,214)');
    expect(heatColour(-3)).toBe(heatColour(0));
    expect(heatColour(7)).toBe(heatColour(1));
  });

  it('count a far tail in the histogram caption instead of squeezing the axis', () => {
    const values = [...Array.from({ length: 995 }, (_, i) => 1 + (i % 10) / 10), 50, 60, 70, 80, 90];
    const svg = histogramChart([{ name: 'm', values }]).toString();
    expect(svg).toMatch(/Beyond the axis \(slowest queries, not drawn\): m 5 \(max 90\.0 ms\)/);
    expect(histogramChart([]).toString()).toContain('No samples');
  });

  it('draw a dot per query for short traces and bands for long ones', () => {
    expect(traceChart([{ name: 'm', values: [1, 2, 3] }]).toString()).toContain('One dot per query');
    const long = traceChart([{ name: 'm', values: Float64Array.from({ length: 10_000 }, (_, i) => 1 + (i % 7)) }]).toString();
    expect(long).toContain('band from fastest to slowest');
    expect(long.length).toBeLessThan(40_000);
  });
});
