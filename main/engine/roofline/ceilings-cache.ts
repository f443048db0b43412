import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { xlirCacheDir } from '../cache-dir.ts';
import type { MachineProfile } from '../machine/machine-profile.ts';
import type { ExecutionProvider } from '../models/encoder.ts';
import { BandwidthMeasurementSchema, measureBandwidth, type BandwidthMeasurement, type BandwidthOptions } from './memory-bandwidth.ts';
import { measurePeak, PeakMeasurementSchema, type PeakMeasurement, type PeakOptions, type PrecisionPeak } from './matmul-peak.ts';

/**
 * The roofline's two ceilings — the peak MatMul rate and the memory read bandwidth — one pair per
 * machine, provider and thread count, kept in the user cache folder so a run measures them once
 * (a few seconds) rather than every time. The key is what sets them: CPU model, cores and
 * instruction sets, GPU and driver for CUDA, onnxruntime's version — not the hostname, which
 * containers change freely. Files written before the bandwidth was measured hold peaks only: the
 * bandwidth is then measured and added.
 */
export const CEILINGS_CACHE_FILE = 'roofline-peaks.json';

const CeilingsCacheSchema = z.object({
  version: z.literal(1),
  entries: z.array(z.object({ key: z.string(), peak: PeakMeasurementSchema, bandwidth: BandwidthMeasurementSchema.optional() })),
});
type CeilingsCache = z.infer<typeof CeilingsCacheSchema>;

export function ceilingsCacheFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(xlirCacheDir(env), CEILINGS_CACHE_FILE);
}

export function ceilingsKey(machine: MachineProfile, provider: ExecutionProvider, intraOpThreads: number | undefined): string {
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

export interface CachedCeilingsOptions extends Omit<PeakOptions & BandwidthOptions, 'provider' | 'intraOpThreads'> {
  machine: MachineProfile;
  provider: ExecutionProvider;
  intraOpThreads?: number;
  /**
   * Measure both again even when cached (e.g. the machine was busy the first time). Other load can
   * only slow a measurement down, so the cache keeps the better of the old and the new rate.
   */
  remeasure?: boolean;
  file?: string;
  /** Injected in tests; the real measurements otherwise. */
  measurePeak?: (options: PeakOptions) => Promise<PeakMeasurement>;
  measureBandwidth?: (options: BandwidthOptions) => Promise<BandwidthMeasurement>;
}

export interface CachedCeilings {
  peak: PeakMeasurement;
  bandwidth: BandwidthMeasurement;
  peakFromCache: boolean;
  bandwidthFromCache: boolean;
  file: string;
  /** Why the cache file was not used, when it exists but could not be read or parsed. */
  note?: string;
}

/** The cached ceilings for this machine, provider and thread count; what is absent is measured and stored. */
export async function cachedCeilings(options: CachedCeilingsOptions): Promise<CachedCeilings> {
  const file = options.file ?? ceilingsCacheFile();
  const key = ceilingsKey(options.machine, options.provider, options.intraOpThreads);
  const { cache, note } = await readCache(file);
  const hit = cache.entries.find((e) => e.key === key);
  // What is left (provider, threads, timing, signal) is what the measurements take.
  const { machine: _machine, remeasure = false, file: _file, measurePeak: peakOf = measurePeak, measureBandwidth: bandwidthOf = measureBandwidth, ...measureOptions } = options;

  const peakFromCache = hit !== undefined && !remeasure;
  let peak = peakFromCache ? hit.peak : await peakOf(measureOptions);
  if (!peakFromCache && hit) peak = { ...peak, fp32: betterPeak(hit.peak.fp32, peak.fp32), fp16: betterPeak(hit.peak.fp16, peak.fp16) };
  const bandwidthFromCache = hit?.bandwidth !== undefined && !remeasure;
  let bandwidth = bandwidthFromCache ? hit.bandwidth! : await bandwidthOf(measureOptions);
  if (!bandwidthFromCache && hit?.bandwidth) bandwidth = betterBandwidth(hit.bandwidth, bandwidth);

  // Whenever the peak is measured the bandwidth is too (a file with a bandwidth always has the peak).
  if (!bandwidthFromCache && !options.signal?.aborted) {
    const entries = [...cache.entries.filter((e) => e.key !== key), { key, peak, bandwidth }];
    await writeCache(file, { version: 1, entries });
  }
  return { peak, bandwidth, peakFromCache, bandwidthFromCache, file, ...(note && { note }) };
}

function betterPeak(a: PrecisionPeak, b: PrecisionPeak): PrecisionPeak {
  if (!a.supported) return b;
  if (!b.supported) return a;
  return b.gflops >= a.gflops ? b : a;
}

function betterBandwidth(a: BandwidthMeasurement, b: BandwidthMeasurement): BandwidthMeasurement {
  if (!a.read.supported) return b;
  if (!b.read.supported) return a;
  return b.read.gbPerS >= a.read.gbPerS ? b : a;
}

async function readCache(file: string): Promise<{ cache: CeilingsCache; note?: string }> {
  const empty: CeilingsCache = { version: 1, entries: [] };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { cache: empty };
    return { cache: empty, note: `${file} could not be read (${(err as Error).message}); the ceilings were measured again` };
  }
  try {
    const parsed = CeilingsCacheSchema.safeParse(JSON.parse(text));
    if (parsed.success) return { cache: parsed.data };
  } catch {
    // Not JSON: handled below like any other unreadable content.
  }
  return { cache: empty, note: `${file} is not a ceilings cache this version reads; they were measured again and the file replaced` };
}

async function writeCache(file: string, cache: CeilingsCache): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  // Write then rename: a run killed mid-write leaves the old file, never half a file.
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(cache, null, 2)}\n`);
  await rename(temporary, file);
}
