import { Tensor } from 'onnxruntime-node';
import { z } from 'zod';
import { createSystemClock } from '../latency/clock.ts';
import { MeasurementLoadSchema, withLoad } from '../machine/system-load.ts';
import { createSession, ExecutionProviderSchema } from '../models/execution-providers.ts';
import { encodeOnnxModel, OnnxDataType, type OnnxModel } from './onnx-model.ts';
import { ceilingSessionSettings, timeSessionRuns, type CeilingOptions } from './timed-runs.ts';

/**
 * The machine's peak matrix-multiply rate as ONNX Runtime reaches it: one MatMul node, Y = A·B,
 * with B a constant initializer as a model's weights are (so the CPU provider pre-packs it the
 * same way), run at a few sizes on the same provider and thread count as the models. The best
 * rate over sizes is the roofline's compute ceiling; the encoders' GEMMs run the same kernels.
 */

export const PrecisionSchema = z.enum(['fp32', 'fp16']);
export type Precision = z.infer<typeof PrecisionSchema>;

export const MatMulSizeSchema = z.object({ m: z.number().int().positive(), k: z.number().int().positive(), n: z.number().int().positive() });
export type MatMulSize = z.infer<typeof MatMulSizeSchema>;

/**
 * Sizes tried: square ones where blocking works best, and the shape of a BERT-base feed-forward
 * layer at 512 tokens. Large enough that a run lasts milliseconds (launch overhead vanishes), small
 * enough to take seconds in all.
 */
export const DEFAULT_PEAK_SIZES: readonly MatMulSize[] = [
  { m: 512, k: 768, n: 3072 },
  { m: 1024, k: 1024, n: 1024 },
  { m: 2048, k: 2048, n: 2048 },
];

const SizeRateSchema = MatMulSizeSchema.extend({
  runs: z.number().int(),
  medianMs: z.number(),
  minMs: z.number(),
  /** 2·m·k·n over the median time. */
  gflops: z.number(),
});

export const PrecisionPeakSchema = z.discriminatedUnion('supported', [
  z.object({
    supported: z.literal(true),
    /** The best of `sizes`' rates. */
    gflops: z.number(),
    best: MatMulSizeSchema,
    sizes: z.array(SizeRateSchema),
  }),
  /** e.g. fp16 MatMul on a CPU provider without an fp16 kernel: ONNX Runtime's message says why. */
  z.object({ supported: z.literal(false), reason: z.string() }),
]);
export type PrecisionPeak = z.infer<typeof PrecisionPeakSchema>;

export const PeakMeasurementSchema = z.object({
  provider: ExecutionProviderSchema,
  /** Null: ONNX Runtime's default (one thread per physical core). */
  intraOpThreads: z.number().int().nullable(),
  measuredAt: z.string(),
  durationMs: z.number(),
  fp32: PrecisionPeakSchema,
  fp16: PrecisionPeakSchema,
  /** How busy the machine was (other processes only lower a rate); absent in peaks measured before it was kept. */
  load: MeasurementLoadSchema.nullable().optional(),
});
export type PeakMeasurement = z.infer<typeof PeakMeasurementSchema>;

/**
 * The ONNX bytes of Y[m,n] = A[m,k] · B[k,n], B a constant initializer. A and Y are float32 at the
 * graph's edges whatever the precision: onnxruntime-node 1.30 cannot take float16 tensors from
 * Node 24 (its Float16Array arrives with no data), so the fp16 graph casts A in and Y out — m·k +
 * m·n conversions next to 2·m·k·n FLOPs, under 0.1% at these sizes.
 */
export function matMulGraph({ m, k, n }: MatMulSize, precision: Precision): Uint8Array {
  const fp16 = precision === 'fp16';
  const dataType = fp16 ? OnnxDataType.float16 : OnnxDataType.float;
  const weights = fp16 ? new Uint16Array(k * n) : new Float32Array(k * n);
  // Values within ±0.5: no denormals or infinities to slow a kernel down (fp16 0x3800 is 0.5).
  for (let i = 0; i < weights.length; i++) weights[i] = fp16 ? 0x3800 ^ ((i % 2) << 15) : ((i * 7919) % 1000) / 1000 - 0.5;
  const node = (opType: string, inputs: string[], outputs: string[], attributes: OnnxModel['nodes'][number]['attributes'] = {}) => ({ opType, domain: '', name: outputs[0], inputs, outputs, attributes });
  const model: OnnxModel = {
    irVersion: 8,
    opset: 17,
    producer: 'xlir-bench roofline',
    nodes: fp16
      ? [node('Cast', ['A'], ['A16'], { to: { int: OnnxDataType.float16 } }), node('MatMul', ['A16', 'B'], ['Y16']), node('Cast', ['Y16'], ['Y'], { to: { int: OnnxDataType.float } })]
      : [node('MatMul', ['A', 'B'], ['Y'])],
    initializers: [{ name: 'B', dataType, dims: [k, n], data: new Uint8Array(weights.buffer) }],
    inputs: [{ name: 'A', elemType: OnnxDataType.float, dims: [m, k] }],
    outputs: [{ name: 'Y', elemType: OnnxDataType.float, dims: [m, n] }],
    valueInfo: [],
  };
  return encodeOnnxModel(model);
}

/** `minRuns` and `minDurationMs` apply to each size. */
export interface PeakOptions extends CeilingOptions {
  sizes?: readonly MatMulSize[];
}

/** Measures one precision: the rate at each size and the best. Throws only for a session that loads and then fails. */
export async function measurePrecisionPeak(precision: Precision, options: PeakOptions): Promise<PrecisionPeak> {
  const sizes = options.sizes ?? DEFAULT_PEAK_SIZES;
  const rates: z.infer<typeof SizeRateSchema>[] = [];
  for (const size of sizes) {
    if (options.signal?.aborted) break;
    let created;
    try {
      created = await createSession(
        { bytes: matMulGraph(size, precision), name: `MatMul ${precision} ${size.m}×${size.k}×${size.n}` },
        [options.provider],
        ceilingSessionSettings(options),
      );
    } catch (err) {
      // The graph is valid ONNX, so a load failure means no kernel for this type on this provider.
      return { supported: false, reason: (err as Error).message };
    }
    try {
      const rate = await timeMatMul(created.session, size, options);
      if (rate) rates.push({ ...size, ...rate });
    } finally {
      await created.session.release();
    }
  }
  if (rates.length === 0) return { supported: false, reason: 'cancelled before any size was measured' };
  const best = rates.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { supported: true, gflops: best.gflops, best: { m: best.m, k: best.k, n: best.n }, sizes: rates };
}

/** The median rate of Y = A·B at one size. */
async function timeMatMul(session: Awaited<ReturnType<typeof createSession>>['session'], { m, k, n }: MatMulSize, options: CeilingOptions) {
  const feeds = { A: new Tensor('float32', new Float32Array(m * k).fill(0.25), [m, k]) };
  const timed = await timeSessionRuns(session, feeds, ['Y'], options);
  if (!timed) return null;
  const { runs, medianMs, minMs } = timed;
  return { runs, medianMs, minMs, gflops: (2 * m * k * n) / (medianMs * 1e6) };
}

/** Both precisions on one provider and thread count. */
export async function measurePeak(options: PeakOptions): Promise<PeakMeasurement> {
  const clock = options.clock ?? createSystemClock();
  const t0 = clock.nowMs();
  const { value, load } = await withLoad(async () => ({
    fp32: await measurePrecisionPeak('fp32', { ...options, clock }),
    fp16: await measurePrecisionPeak('fp16', { ...options, clock }),
  }));
  return {
    provider: options.provider,
    intraOpThreads: options.intraOpThreads ?? null,
    measuredAt: new Date().toISOString(),
    durationMs: clock.nowMs() - t0,
    ...value,
    load,
  };
}

/**
 * A stack of feed-forward layers, X[m,h] → ·W1ᵢ[h,f] → ·W2ᵢ[f,h] → …, every weight distinct and
 * together far larger than a CPU's last-level cache: the GEMMs of an encoder at m tokens as they
 * really run, each weight read from memory once per pass. Its rate is the ceiling for a batch-1
 * query of m tokens on this machine, below the peak wherever streaming the weights costs more than
 * the arithmetic (small m).
 */
export function weightStreamGraph(m: number, layers: number, hidden = 768, ffn = 3072): Uint8Array {
  const weight = (name: string, rows: number, cols: number) => {
    const values = new Float32Array(rows * cols);
    for (let i = 0; i < values.length; i++) values[i] = ((i * 7919) % 1000) / 1000 - 0.5;
    // Scaled so activations neither vanish nor overflow through the stack.
    const scale = 1 / Math.sqrt(rows);
    for (let i = 0; i < values.length; i++) values[i] *= scale;
    return { name, dataType: OnnxDataType.float, dims: [rows, cols], data: new Uint8Array(values.buffer) };
  };
  const nodes: OnnxModel['nodes'] = [];
  const initializers: OnnxModel['initializers'] = [];
  let x = 'A';
  for (let l = 0; l < layers; l++) {
    initializers.push(weight(`W1_${l}`, hidden, ffn), weight(`W2_${l}`, ffn, hidden));
    nodes.push({ opType: 'MatMul', domain: '', name: `up${l}`, inputs: [x, `W1_${l}`], outputs: [`U${l}`], attributes: {} });
    const out = l === layers - 1 ? 'Y' : `D${l}`;
    nodes.push({ opType: 'MatMul', domain: '', name: `down${l}`, inputs: [`U${l}`, `W2_${l}`], outputs: [out], attributes: {} });
    x = out;
  }
  return encodeOnnxModel({
    irVersion: 8,
    opset: 17,
    producer: 'xlir-bench roofline',
    nodes,
    initializers,
    inputs: [{ name: 'A', elemType: OnnxDataType.float, dims: [m, hidden] }],
    outputs: [{ name: 'Y', elemType: OnnxDataType.float, dims: [m, hidden] }],
    valueInfo: [],
  });
}

/** The rate of `weightStreamGraph(m, layers)`: 2·m·(2·h·f) FLOPs per layer over the median run. */
export async function measureWeightStream(m: number, options: PeakOptions & { layers?: number }): Promise<{ gflops: number; weightBytes: number; medianMs: number }> {
  const layers = options.layers ?? 12;
  const [hidden, ffn] = [768, 3072];
  const created = await createSession({ bytes: weightStreamGraph(m, layers, hidden, ffn), name: `weight stream ${m}×${layers} layers` }, [options.provider], ceilingSessionSettings(options));
  try {
    const timed = await timeMatMul(created.session, { m, k: hidden, n: hidden }, options);
    if (!timed) throw new Error('cancelled before the weight stream was measured');
    const { medianMs } = timed;
    const flops = layers * 2 * (2 * m * hidden * ffn);
    return { gflops: flops / (medianMs * 1e6), weightBytes: layers * 2 * hidden * ffn * 4, medianMs };
  } finally {
    await created.session.release();
  }
}
