import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { xlirCacheDir } from '../cache-dir.ts';
import type { MachineProfile } from '../machine/machine-profile.ts';
import type { ExecutionProvider } from '../models/encoder.ts';
import { measurePeak, PeakMeasurementSchema, type PeakMeasurement, type PeakOptions, type PrecisionPeak } from './matmul-peak.ts';

/**
 * Measured peaks, one per machine, provider and thread count, kept in the user cache folder so a
 * run measures them once (a few seconds) rather than every time. The key is what sets the peak:
 * CPU model, cores and instruction sets, GPU and driver for CUDA, onnxruntime's version — not the
 * hostname, which containers change freely.
 */
export const PEAK_CACHE_FILE = 'roofline-peaks.json';

const PeakCacheSchema = z.object({
  version: z.literal(1),
  entries: z.array(z.object({ key: z.string(), peak: PeakMeasurementSchema })),
});
type PeakCache = z.infer<typeof PeakCacheSchema>;

export function peakCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xlirCacheDir(env), PEAK_CACHE_FILE);
}

export function peakKey(machine: MachineProfile, provider: ExecutionProvider, intraOpThreads: number | undefined): string {
  return JSON.stringify({
    cpu: machine.cpu.model,
    logicalCores: machine.cpu.logicalCores,
    physicalCores: machine.cpu.physicalCores,
    flags: machine.cpu.flags,
    arch: machine.os.arch,
    platform: machine.os.platform,
    onnxruntime: machine.software.onnxruntime,
    gpus: provider === 'cuda' ? machine.gpus.map((g) => `${g.name} ${g.driver ?? ''}`) : [],
    provider,
    intraOpThreads: intraOpThreads ?? null,
  });
}

export interface CachedPeakOptions extends Omit<PeakOptions, 'provider' | 'intraOpThreads'> {
  machine: MachineProfile;
  provider: ExecutionProvider;
  intraOpThreads?: number;
  /**
   * Measure again even when cached (e.g. the machine was busy the first time). Other load can
   * only slow a measurement down, so the cache keeps the better of the old and new rate per precision.
   */
  remeasure?: boolean;
  file?: string;
  /** Injected in tests; `measurePeak` otherwise. */
  measure?: (options: PeakOptions) => Promise<PeakMeasurement>;
}

export interface CachedPeak {
  peak: PeakMeasurement;
  fromCache: boolean;
  file: string;
  /** Why the cache file was not used, when it exists but could not be read or parsed. */
  note?: string;
}

/** The cached peak for this machine, provider and thread count; measured and stored when absent. */
export async function cachedPeak(options: CachedPeakOptions): Promise<CachedPeak> {
  const file = options.file ?? peakCacheFile();
  const key = peakKey(options.machine, options.provider, options.intraOpThreads);
  const { cache, note } = await readCache(file);
  const hit = cache.entries.find((e) => e.key === key);
  if (hit && !options.remeasure) return { peak: hit.peak, fromCache: true, file };
  const { machine: _machine, remeasure: _remeasure, file: _file, measure = measurePeak, ...rest } = options;
  const measured = await measure({ ...rest, provider: options.provider, ...(options.intraOpThreads !== undefined && { intraOpThreads: options.intraOpThreads }) });
  const peak = hit ? { ...measured, fp32: better(hit.peak.fp32, measured.fp32), fp16: better(hit.peak.fp16, measured.fp16) } : measured;
  if (!options.signal?.aborted) {
    const entries = [...cache.entries.filter((e) => e.key !== key), { key, peak }];
    await writeCache(file, { version: 1, entries });
  }
  return { peak, fromCache: false, file, ...(note && { note }) };
}

function better(a: PrecisionPeak, b: PrecisionPeak): PrecisionPeak {
  if (!a.supported) return b;
  if (!b.supported) return a;
  return b.gflops >= a.gflops ? b : a;
}

async function readCache(file: string): Promise<{ cache: PeakCache; note?: string }> {
  const empty: PeakCache = { version: 1, entries: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { cache: empty };
    return { cache: empty, note: `${file} could not be read (${(err as Error).message}); the peak was measured again` };
  }
  try {
    const parsed = PeakCacheSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { cache: parsed.data };
  } catch {
    // Not JSON: handled below like any other unreadable content.
  }
  return { cache: empty, note: `${file} is not a peak cache this version reads; it was measured again and the file replaced` };
}

async function writeCache(file: string, cache: PeakCache): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // Write then rename: a run killed mid-write leaves the old file, never half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(cache, null, 2)}\n`);
  await rename(temporary, file);
}
