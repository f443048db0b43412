/** How reports and the CLI print figures: the same digits everywhere. */

/** Milliseconds: 3 decimals under 10 ms, 1 above (a tenth of a millisecond is noise there). */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(Math.abs(value) < 10 ? 3 : 1);
}

/** mAP, recall, nDCG: 0–1 with 3 decimals. */
export function formatScore(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(3);
}

export function formatQps(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(value < 100 ? 1 : 0);
}

/** A ratio to a reference: "1.000x". */
export function formatRatio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(3)}x`;
}

/** A 0–1 share as a percentage: "42.1%". */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** A difference in mAP points (0–1 scale in, points out): "+1.20". */
export function formatPoints(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const points = value * 100;
  return `${points > 0 ? '+' : ''}${points.toFixed(2)}`;
}

export function formatGiB(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}

/** An ISO time as "2026-01-31 14:05 UTC": reports are read in other time zones. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A quality setting as prose: "cross-lingual" (with a hyphen that does not break a line). */
export function qualitySettingName(setting: 'monolingual' | 'crossLingual' | 'multilingual'): string {
  return setting === 'crossLingual' ? 'cross\u2011lingual' : setting;
}

/** GFLOP/s and GB/s: one decimal. */
export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(1);
}

/** Arithmetic intensity, FLOP per byte: 2 decimals below 10, 1 up to 1000, none above. */
export function formatIntensity(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(value < 10 ? 2 : value < 1000 ? 1 : 0);
}

/** Bytes in decimal units (as GB/s is 10⁹ bytes per second): "98.8 kB", "340.5 MB", "1.2 GB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  const [unit, scale] = bytes >= 1e9 ? ['GB', 1e9] : bytes >= 1e6 ? ['MB', 1e6] : bytes >= 1e3 ? ['kB', 1e3] : ['B', 1];
  return `${(bytes / scale).toFixed(scale === 1 ? 0 : 1)} ${unit}`;
}
