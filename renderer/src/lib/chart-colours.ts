import { SERIES_COLOURS } from '../../../main/report/html/chart-axis.ts';

/** Canvas charts cannot use CSS variables: their colours per theme. */
export function chartColours(dark: boolean): { text: string; grid: string; axis: string } {
  return dark ? { text: '#a3acbb', grid: '#2c3340', axis: '#5b6475' } : { text: '#5b6475', grid: '#e7eaf0', axis: '#9aa3b2' };
}

/** The reports' series colours (Okabe–Ito), with the two too dark for a dark background lightened. */
export function seriesColourFor(index: number, dark: boolean): string {
  const colour = SERIES_COLOURS[index % SERIES_COLOURS.length];
  if (!dark) return colour;
  return colour === '#0072b2' ? '#56b4e9' : colour === '#000000' ? '#e4e8ef' : colour;
}
