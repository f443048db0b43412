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

/**
 * `value` with `decimals` fixed decimals, as the formats here print ordinary figures; but a nonzero
 * value below one unit of the last decimal (which fixed would print as 0.0, or as one rounded digit)
 * with 2 significant digits instead: a tiny rate reads 0.0023, not 0.0. Never in exponent form.
 */
export function fixedOrSignificant(value: number, decimals: number): string {
  return value === 0 || Math.abs(value) >= 10 ** -decimals ? value.toFixed(decimals) : significant(value, 2);
}

/** A nonzero `value` with `digits` significant digits and never in exponent form: 0.00000023, not 2.3e-7 (whole numbers keep all their digits). */
function significant(value: number, digits: number): string {
  // Rounded first, so that 0.0999 to 2 digits reads 0.10, not 0.100.
  const rounded = Number(value.toPrecision(digits));
  return rounded.toFixed(Math.min(100, Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(rounded))))));
}

/** A 0–1 share as a percentage: "42.1%"; below 0.1%, 2 significant digits: "0.0016%". */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : `${fixedOrSignificant(value * 100, 1)}%`;
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

/** GFLOP/s and GB/s: one decimal; below 0.1, 2 significant digits ("0.0023"). */
export function formatRate(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : fixedOrSignificant(value, 1);
}

/** Arithmetic intensity, FLOP per byte: 2 decimals below 10 (below 0.01, 2 significant digits), 1 up to 1000, none above. */
export function formatIntensity(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return fixedOrSignificant(value, value < 10 ? 2 : value < 1000 ? 1 : 0);
}

const FLOP_UNITS = [['TFLOP', 1e12], ['GFLOP', 1e9], ['MFLOP', 1e6], ['kFLOP', 1e3]] as const;

/**
 * FLOPs in decimal units, 3 significant digits: "22.4 GFLOP", "1.50 MFLOP", "682 FLOP". `parts` are
 * printed as plain numbers in the unit of `total` (so that they read as its parts: "0.700", "0" for
 * none), with the unit.
 */
export function formatFlops(total: number, ...parts: number[]): { total: string; parts: string[]; unit: string } {
  const [unit, scale] = FLOP_UNITS.find(([, s]) => Math.abs(total) >= s) ?? ['FLOP', 1];
  const digits = (n: number) => {
    const v = n / scale;
    if (v === 0) return '0';
    // FLOPs are whole numbers: no decimals in FLOP itself.
    return scale === 1 ? String(Math.round(v)) : significant(v, 3);
  };
  return { total: digits(total), parts: parts.map(digits), unit };
}

/** Bytes in decimal units (as GB/s is 10⁹ bytes per second): "98.8 kB", "340.5 MB", "1.2 GB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '-';
  const [unit, scale] = bytes >= 1e9 ? ['GB', 1e9] : bytes >= 1e6 ? ['MB', 1e6] : bytes >= 1e3 ? ['kB', 1e3] : ['B', 1];
  return `${(bytes / scale).toFixed(scale === 1 ? 0 : 1)} ${unit}`;
}
