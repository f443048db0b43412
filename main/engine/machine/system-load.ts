import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * Facts about the machine's state and caches that a throughput ceiling needs beside it: how busy
 * the machine was while the ceiling was measured, and how large a buffer must be to miss the caches.
 */

/** The 1-minute load average (runnable processes); null where the OS has none (Windows reports 0). */
export function loadAverage(): number | null {
  if (os.platform() === 'win32') return null;
  return os.loadavg()[0];
}

/** The 1-minute load average when a measurement started and when it ended. */
export const MeasurementLoadSchema = z.object({ before: z.number(), after: z.number() });
export type MeasurementLoad = z.infer<typeof MeasurementLoadSchema>;

/** `work()`'s value and the load around it (null where the OS keeps no load average). */
export async function withLoad<T>(work: () => Promise<T>): Promise<{ value: T; load: MeasurementLoad | null }> {
  const before = loadAverage();
  const value = await work();
  const after = loadAverage();
  return { value, load: before === null || after === null ? null : { before, after } };
}

/** The largest CPU cache Linux reports for CPU 0 (sysfs `cache/index<n>/size`, e.g. "32768K"), in bytes; null elsewhere. */
export function lastLevelCacheBytes(sysCpu = '/sys/devices/system/cpu/cpu0/cache'): number | null {
  let largest: number | null = null;
  let entries: string[];
  try {
    entries = readdirSync(sysCpu).filter((e) => /^index\d+$/.test(e));
  } catch {
    return null;
  }
  for (const entry of entries) {
    try {
      const bytes = parseCacheSize(readFileSync(path.join(sysCpu, entry, 'size'), 'utf8'));
      if (bytes !== null && (largest === null || bytes > largest)) largest = bytes;
    } catch {
      // An index without a readable size says nothing; the others still do.
    }
  }
  return largest;
}

/** "32768K", "2M", "512" (bytes) → bytes; null for anything else. */
export function parseCacheSize(text: string): number | null {
  const match = /^\s*(\d+)\s*([KMG]?)\s*$/i.exec(text);
  if (!match) return null;
  const unit = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 }[match[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Number(match[1]) * unit;
}
