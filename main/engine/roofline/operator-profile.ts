import { z } from 'zod';

/**
 * Where a graph run's time goes, per operator, from ONNX Runtime's own profiler (the session
 * option `enableProfiling`, a Chrome-trace JSON of every kernel run): what the FLOP count leaves
 * out. The profile comes from a second session of the same model, so the measured latency is never
 * timed with the profiler on; the profiler's own timestamps add a little to every kernel, so its
 * run time is a little above the measured one — read the shares, not the milliseconds.
 *
 * Categories:
 * - `matmul`: MatMul-family kernels with a constant operand (the projections and feed-forward
 *   layers; ONNX Runtime pre-packs such a weight and then lists only the activation input);
 * - `attention`: MatMul-family kernels over two activations (QKᵀ, AV), Softmax, fused attention;
 * - `layerNorm`, `gelu`: those ops, fused or not fused into one kernel (LayerNorm written out as
 *   ReduceMean/Sub/Pow/Sqrt/Div lands in `elementwise`);
 * - `elementwise`: the remaining arithmetic (bias adds, residuals, masks, casts, comparisons, and
 *   integer arithmetic such as the dictionary bridge's bucket hashing: Mul, Add, Mod);
 * - `copies`: data movement — Reshape, Transpose, Gather (embeddings), Concat, Slice, Expand …, and
 *   the scatters, Gather's inverse (ScatterElements, ScatterND: a reducing one, as the bridge's
 *   scatter-add, does one operation per element it moves, which the FLOP count counts, but its time
 *   is that of moving them);
 * - `other`: kernels of any other op;
 * and `betweenKernels`: run time outside every kernel (executor, allocation, thread hand-offs).
 */

export const OPERATOR_CATEGORIES = ['matmul', 'attention', 'layerNorm', 'gelu', 'elementwise', 'copies', 'other'] as const;
export type OperatorCategory = (typeof OPERATOR_CATEGORIES)[number];

const MATMUL_OPS = new Set(['MatMul', 'Gemm', 'FusedMatMul', 'MatMulInteger', 'MatMulIntegerToFloat', 'QLinearMatMul', 'DynamicQuantizeMatMul', 'MatMulNBits', 'FusedGemm']);
const ATTENTION_OPS = new Set(['Softmax', 'Attention', 'MultiHeadAttention', 'GroupQueryAttention', 'PackedAttention', 'SparseAttention']);
const LAYER_NORM_OPS = new Set(['LayerNormalization', 'SkipLayerNormalization', 'SimplifiedLayerNormalization', 'SkipSimplifiedLayerNormalization', 'EmbedLayerNormalization']);
const GELU_OPS = new Set(['Gelu', 'BiasGelu', 'FastGelu', 'QuickGelu', 'Erf']);
const ELEMENTWISE_OPS = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Sqrt', 'Reciprocal', 'Neg', 'Abs', 'Exp', 'Log', 'Tanh', 'Relu', 'Sigmoid', 'Where',
  'Equal', 'Not', 'And', 'Or', 'Less', 'Greater', 'Cast', 'CumSum', 'ReduceMean', 'ReduceSum', 'ReduceMax', 'Max', 'Min',
  'Clip', 'BiasAdd', 'BiasSoftmax', 'Sum', 'Mod', 'Floor', 'Ceil', 'Round', 'Sign', 'LessOrEqual', 'GreaterOrEqual', 'Xor',
  'BitShift', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor', 'BitwiseNot', 'IsNaN', 'IsInf',
]);
const COPY_OPS = new Set([
  'Reshape', 'Transpose', 'Gather', 'GatherElements', 'Concat', 'Slice', 'Squeeze', 'Unsqueeze', 'Expand', 'Shape', 'Size',
  'Identity', 'Flatten', 'Split', 'Tile', 'Range', 'ConstantOfShape', 'MemcpyFromHost', 'MemcpyToHost',
  'GatherND', 'Scatter', 'ScatterElements', 'ScatterND', 'Pad',
]);

export const OperatorProfileSchema = z.object({
  /** The batch size profiled (1 for the per-query scenarios). */
  batchSize: z.number().int(),
  /** Graph runs profiled (after the warm-up ones, which are left out). */
  runs: z.number().int(),
  /** Mean milliseconds per graph run as the profiler timed it (`model_run`). */
  runMs: z.number(),
  /** Per category: mean milliseconds per run and share of `runMs`. */
  categories: z.array(z.object({ category: z.enum(OPERATOR_CATEGORIES), ms: z.number(), share: z.number() })),
  betweenKernels: z.object({ ms: z.number(), share: z.number() }),
  /** Per op type (as ONNX Runtime ran it, after fusion), slowest first. */
  ops: z.array(z.object({ opType: z.string(), category: z.enum(OPERATOR_CATEGORIES), calls: z.number(), ms: z.number(), share: z.number() })),
  /** The MatMul kernels' own rate: the weight FLOPs of the runs ÷ `matmul` time; null without a FLOP count. */
  matmulGflops: z.number().nullable(),
  /** The provider ONNX Runtime placed the kernels on, as it names it (CPUExecutionProvider …). */
  providers: z.array(z.string()),
});
export type OperatorProfile = z.infer<typeof OperatorProfileSchema>;

/** One event of ONNX Runtime's profile (Chrome trace format); only the fields read here. */
interface TraceEvent {
  cat?: string;
  name?: string;
  ts?: number;
  dur?: number;
  args?: { op_name?: string; parameter_size?: string; input_type_shape?: unknown[]; provider?: string };
}

/** The category of one kernel run, from its op type and (for MatMuls) whether an operand is a weight. */
export function operatorCategory(opType: string, args: TraceEvent['args'] = {}): OperatorCategory {
  if (MATMUL_OPS.has(opType)) {
    // A pre-packed weight leaves the listed inputs; an unpacked one shows as parameter bytes.
    const listed = Array.isArray(args.input_type_shape) ? args.input_type_shape.length : 2;
    return Number(args.parameter_size ?? 0) > 0 || listed < 2 ? 'matmul' : 'attention';
  }
  if (ATTENTION_OPS.has(opType)) return 'attention';
  if (LAYER_NORM_OPS.has(opType)) return 'layerNorm';
  if (GELU_OPS.has(opType)) return 'gelu';
  if (ELEMENTWISE_OPS.has(opType)) return 'elementwise';
  if (COPY_OPS.has(opType)) return 'copies';
  return 'other';
}

/**
 * Sums a profile's kernel times per op type over its `model_run` events, leaving out the first
 * `skipRuns` runs (warm-up). `weightFlopsPerRun` (the weight GEMMs' FLOPs of one run) gives the
 * MatMul kernels' rate. Throws when the trace holds no run to report.
 */
export function summarizeProfile(trace: unknown, options: { batchSize: number; skipRuns: number; weightFlopsPerRun?: number }): OperatorProfile {
  if (!Array.isArray(trace)) throw new Error('the ONNX Runtime profile is not a JSON array of trace events');
  const events = trace as TraceEvent[];
  const runs = events
    .filter((e) => e.cat === 'Session' && e.name === 'model_run' && typeof e.ts === 'number' && typeof e.dur === 'number')
    .sort((a, b) => a.ts! - b.ts!)
    .slice(options.skipRuns);
  if (runs.length === 0) throw new Error(`the ONNX Runtime profile holds no graph run after the ${options.skipRuns} warm-up run(s)`);
  const inRun = (ts: number) => runs.some((r) => ts >= r.ts! && ts <= r.ts! + r.dur!);

  const ops = new Map<string, { opType: string; category: OperatorCategory; calls: number; us: number }>();
  const providers = new Set<string>();
  let kernelUs = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name?.endsWith('_kernel_time') || typeof e.dur !== 'number' || typeof e.ts !== 'number' || !inRun(e.ts)) continue;
    const opType = e.args?.op_name ?? 'unknown';
    const category = operatorCategory(opType, e.args);
    // The same op type can fall in two categories (weight and attention MatMuls): keyed by both.
    const key = `${opType}|${category}`;
    const entry = ops.get(key) ?? { opType, category, calls: 0, us: 0 };
    entry.calls += 1;
    entry.us += e.dur;
    ops.set(key, entry);
    kernelUs += e.dur;
    if (e.args?.provider) providers.add(e.args.provider);
  }
  const n = runs.length;
  const runUs = runs.reduce((sum, r) => sum + r.dur!, 0);
  const share = (us: number) => (runUs > 0 ? us / runUs : 0);
  const perRunMs = (us: number) => us / n / 1000;
  const categories = OPERATOR_CATEGORIES.map((category) => {
    const us = [...ops.values()].filter((o) => o.category === category).reduce((sum, o) => sum + o.us, 0);
    return { category, ms: perRunMs(us), share: share(us) };
  });
  const betweenUs = Math.max(0, runUs - kernelUs);
  const matmulMs = categories.find((c) => c.category === 'matmul')!.ms;
  return {
    batchSize: options.batchSize,
    runs: n,
    runMs: perRunMs(runUs),
    categories,
    betweenKernels: { ms: perRunMs(betweenUs), share: share(betweenUs) },
    ops: [...ops.values()].sort((a, b) => b.us - a.us).map((o) => ({ opType: o.opType, category: o.category, calls: o.calls / n, ms: perRunMs(o.us), share: share(o.us) })),
    matmulGflops: options.weightFlopsPerRun !== undefined && matmulMs > 0 ? options.weightFlopsPerRun / (matmulMs * 1e6) : null,
    providers: [...providers].sort(),
  };
}
