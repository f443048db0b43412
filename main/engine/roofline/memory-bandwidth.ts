import { Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { createSystemClock } from '../latency/clock.ts';
import { lastLevelCacheBytes, MeasurementLoadSchema, withLoad } from '../machine/system-load.ts';
import type { ExecutionProvider } from '../models/encoder.ts';
import { createSession, ExecutionProviderSchema } from '../models/execution-providers.ts';
import { encodeOnnxModel, OnnxDataType } from './onnx-model.ts';
import { ceilingSessionSettings, timeSessionRuns, type CeilingOptions } from './timed-runs.ts';

/**
 * The roofline's memory ceiling: sustained read bandwidth as ONNX Runtime's own kernels reach it,
 * on the same provider and intra-op thread count as the models. A STREAM-like read: one
 * ReduceSum over a large fp32 initializer [rows, 4096], reading every byte once, with the axes fed
 * at run time so that constant folding cannot compute it once at load. The initializer lives where
 * the provider keeps a model's weights — host memory for the CPU, device memory for CUDA — so the
 * rate is what streaming weights can get. The CPU sums each row (the rows split across the
 * intra-op threads; a few kilobytes written); CUDA sums everything to one number, so the copy of
 * the result to the host, inside the timed run, is four bytes.
 *
 * Why not a loop in JavaScript: V8's scalar loop over a Float64Array reads 3–4 times slower than
 * a vectorised, multi-threaded kernel (bench/roofline.ts prints both), and would put the ceiling
 * below what the model itself pulls.
 *
 * GB/s are decimal: 10⁹ bytes per second.
 */

const COLUMNS = 4096;
const MIB = 2 ** 20;

export const ReadRateSchema = z.discriminatedUnion('supported', [
  z.object({
    supported: z.literal(true),
    /** Bytes over the median run. */
    gbPerS: z.number(),
    /** Bytes over the fastest run: the spread to the median shows how much other load took. */
    bestGbPerS: z.number(),
    runs: z.number().int(),
    medianMs: z.number(),
    minMs: z.number(),
    p90Ms: z.number(),
  }),
  /** e.g. CUDA where it cannot run: the reason says why. */
  z.object({ supported: z.literal(false), reason: z.string() }),
]);
export type ReadRate = z.infer<typeof ReadRateSchema>;

export const BandwidthMeasurementSchema = z.object({
  provider: ExecutionProviderSchema,
  /** Null: ONNX Runtime's default. */
  intraOpThreads: z.number().int().nullable(),
  measuredAt: z.string(),
  durationMs: z.number(),
  /** What was timed, in words. */
  kernel: z.string(),
  bufferBytes: z.number().int(),
  /** The CPU's largest cache, which the buffer must far exceed; null where unknown. */
  lastLevelCacheBytes: z.number().nullable(),
  read: ReadRateSchema,
  /** How busy the machine was: other processes can only lower the rate. */
  load: MeasurementLoadSchema.nullable(),
});
export type BandwidthMeasurement = z.infer<typeof BandwidthMeasurementSchema>;

/**
 * The buffer read: at least 8 times the last-level cache (so under 1/8 of it can be a cache hit),
 * at least 256 MiB, at most 1 GiB (a protobuf holds under 2 GiB, and memory is shared). Device
 * memory: 1 GiB, far above any GPU's L2.
 */
export function bandwidthBufferBytes(provider: ExecutionProvider, llcBytes: number | null): number {
  if (provider === 'cuda') return 1024 * MIB;
  const wanted = Math.max(256 * MIB, 8 * (llcBytes ?? 0));
  // Whole rows of COLUMNS floats.
  const rowBytes = COLUMNS * 4;
  return Math.min(1024 * MIB, Math.ceil(wanted / rowBytes) * rowBytes);
}

/** Y = ReduceSum(W[rows, 4096], axes) with W an initializer of `bytes` (a multiple of 16 KiB) and `axes` a graph input. */
export function reduceSumGraph(bytes: number): Uint8Array {
  const rows = bytes / (COLUMNS * 4);
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`the buffer must be whole rows of ${COLUMNS} floats, got ${bytes} bytes`);
  // 1/1024: exact in fp32, no denormals; written (not left as zero pages) so every page is real memory.
  const weights = new Float32Array(rows * COLUMNS).fill(1 / 1024);
  return encodeOnnxModel({
    irVersion: 8,
    opset: 17,
    producer: 'xlir-bench roofline',
    nodes: [{ opType: 'ReduceSum', domain: '', name: 'read', inputs: ['W', 'axes'], outputs: ['Y'], attributes: { keepdims: { int: 0 } } }],
    initializers: [{ name: 'W', dataType: OnnxDataType.float, dims: [rows, COLUMNS], data: new Uint8Array(weights.buffer) }],
    inputs: [{ name: 'axes', elemType: OnnxDataType.int64, dims: ['axes'] }],
    outputs: [{ name: 'Y', elemType: OnnxDataType.float, dims: null }],
    valueInfo: [],
  });
}

export interface BandwidthOptions extends CeilingOptions {
  /** The buffer size; `bandwidthBufferBytes` of the provider and this machine's cache otherwise. */
  bufferBytes?: number;
}

/** Measures the read bandwidth; a provider that cannot run the graph gives `supported: false` with the reason. */
export async function measureBandwidth(options: BandwidthOptions): Promise<BandwidthMeasurement> {
  const clock = options.clock ?? createSystemClock();
  const t0 = clock.nowMs();
  const llc = lastLevelCacheBytes();
  const bufferBytes = options.bufferBytes ?? bandwidthBufferBytes(options.provider, llc);
  const { value: read, load } = await withLoad(() => measureRead(bufferBytes, { ...options, clock }));
  return {
    provider: options.provider,
    intraOpThreads: options.intraOpThreads ?? null,
    measuredAt: new Date().toISOString(),
    durationMs: clock.nowMs() - t0,
    kernel: `ONNX Runtime ReduceSum over a ${(bufferBytes / MIB).toFixed(0)} MiB fp32 initializer (rows of ${COLUMNS})`,
    bufferBytes,
    lastLevelCacheBytes: llc,
    read,
    load,
  };
}

/** The axes each provider reduces over: rows on the CPU (parallel over rows), everything on CUDA (a scalar to copy back). */
export function reducedAxes(provider: ExecutionProvider): bigint[] {
  return provider === 'cuda' ? [0n, 1n] : [1n];
}

async function measureRead(bufferBytes: number, options: CeilingOptions): Promise<ReadRate> {
  let created;
  try {
    created = await createSession({ bytes: reduceSumGraph(bufferBytes), name: `ReduceSum read of ${(bufferBytes / MIB).toFixed(0)} MiB` }, [options.provider], ceilingSessionSettings(options));
  } catch (err) {
    // The graph is valid ONNX: a failure to load is the provider's (CUDA missing, out of memory).
    return { supported: false, reason: (err as Error).message };
  }
  try {
    const axes = reducedAxes(options.provider);
    const feeds = { axes: new Tensor('int64', BigInt64Array.from(axes), [axes.length]) };
    const timed = await timeSessionRuns(created.session, feeds, ['Y'], options);
    if (!timed) return { supported: false, reason: 'cancelled before the bandwidth was measured' };
    const rate = (ms: number) => bufferBytes / (ms * 1e6);
    return { supported: true, gbPerS: rate(timed.medianMs), bestGbPerS: rate(timed.minMs), ...timed };
  } finally {
    await created.session.release();
  }
}
