import { INTEGER_DATA_TYPES, KEPT_TENSOR_ELEMENTS, OnnxDataType, tensorValues, type OnnxAttribute, type OnnxModel, type OnnxNode, type OnnxTensor } from './onnx-model.ts';

/**
 * Shapes of every value of an ONNX graph for one concrete input shape, found by walking the nodes
 * in order (ONNX graphs are topologically sorted). Exported encoders rarely carry `value_info`, and
 * their reshapes take shapes computed at run time (`Shape → Gather → Unsqueeze → Concat →
 * Reshape`), so shapes alone are not enough: the contents of small integer tensors are propagated
 * too. Ops the walk does not know leave their outputs unknown, and `value_info` fills in what it can.
 */

export interface InferredValue {
  /** Null when unknown. */
  dims: number[] | null;
  elemType: number | null;
  /** Contents of a small tensor whose values follow from the shapes and constants alone. */
  values?: number[];
  /** Computed from initializers and constants only (weights, possibly transposed or dequantised). */
  constant: boolean;
}

export interface ShapeInference {
  values: Map<string, InferredValue>;
  /** Op types (domain-qualified when not ONNX's) this walk does not know, in order of first use. */
  unknownOps: string[];
}

const UNKNOWN: InferredValue = { dims: null, elemType: null, constant: false };

/** Ops whose first output has their first input's shape and type. */
const SAME_SHAPE = new Set([
  'Identity', 'Dropout', 'Neg', 'Abs', 'Sqrt', 'Erf', 'Tanh', 'Relu', 'Sigmoid', 'Exp', 'Log', 'Reciprocal', 'Softmax',
  'LogSoftmax', 'Gelu', 'FastGelu', 'QuickGelu', 'BiasGelu', 'Sign', 'Floor', 'Ceil', 'Round', 'Clip', 'LayerNormalization',
  'SimplifiedLayerNormalization', 'SkipLayerNormalization', 'SkipSimplifiedLayerNormalization', 'HardSigmoid', 'Selu',
  'Elu', 'LeakyRelu', 'Mish', 'Softplus', 'CumSum', 'Trilu', 'Not', 'IsNaN', 'QuantizeLinear', 'DequantizeLinear',
  'DynamicQuantizeLinear', 'Sin', 'Cos', 'HardSwish', 'Scatter', 'ScatterElements', 'ScatterND',
]);
const BOOL_RESULT = new Set(['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN']);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Mean', 'PRelu', 'BitShift', ...BOOL_RESULT]);
const REDUCE = new Set(['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp']);
const INTEGER_TYPES = new Set<number>(INTEGER_DATA_TYPES);

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Numpy-style broadcasting of shapes; null when they do not broadcast. */
export function broadcastDims(shapes: readonly (readonly number[])[]): number[] | null {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim !== 1 && d !== dim) return null;
      dim = d;
    }
    out.push(dim);
  }
  return out;
}

/** The element of a broadcast input that output index `flat` reads. */
function broadcastIndex(flat: number, outDims: readonly number[], inDims: readonly number[]): number {
  let index = 0;
  let stride = 1;
  let rest = flat;
  const offset = outDims.length - inDims.length;
  const coords = new Array<number>(outDims.length);
  for (let i = outDims.length - 1; i >= 0; i--) {
    coords[i] = rest % outDims[i];
    rest = Math.floor(rest / outDims[i]);
  }
  for (let i = inDims.length - 1; i >= 0; i--) {
    index += (inDims[i] === 1 ? 0 : coords[i + offset]) * stride;
    stride *= inDims[i];
  }
  return index;
}

function elementwise(op: string, args: number[]): number {
  const [a, b] = args;
  switch (op) {
    case 'Add': return a + b;
    case 'Sub': return a - b;
    case 'Mul': return a * b;
    case 'Div': return a / b;
    case 'Pow': return a ** b;
    case 'Mod': return a % b;
    case 'Max': return Math.max(...args);
    case 'Min': return Math.min(...args);
    case 'Sum': return args.reduce((x, y) => x + y, 0);
    case 'Mean': return args.reduce((x, y) => x + y, 0) / args.length;
    case 'Equal': return Number(a === b);
    case 'Less': return Number(a < b);
    case 'Greater': return Number(a > b);
    case 'LessOrEqual': return Number(a <= b);
    case 'GreaterOrEqual': return Number(a >= b);
    case 'And': return Number(Boolean(a) && Boolean(b));
    case 'Or': return Number(Boolean(a) || Boolean(b));
    case 'Where': return a ? b : args[2];
    default: return Number.NaN;
  }
}

/** An integer attribute of `node`, or `fallback` where it is absent. */
export const attrInt = (node: OnnxNode, name: string, fallback: number): number => {
  const a = node.attributes[name];
  return a && 'int' in a ? a.int : fallback;
};
const attrInts = (node: OnnxNode, name: string): number[] | undefined => {
  const a = node.attributes[name];
  return a && 'ints' in a ? a.ints : undefined;
};
const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function fromTensor(t: OnnxTensor, constant: boolean): InferredValue {
  const values = product(t.dims) <= KEPT_TENSOR_ELEMENTS ? tensorValues(t) : null;
  return { dims: t.dims, elemType: t.dataType, constant, ...(values && { values }) };
}

function constantNodeValue(attributes: Record<string, OnnxAttribute>): InferredValue {
  const [name, a] = Object.entries(attributes)[0] ?? [];
  if (!a) return UNKNOWN;
  if ('tensor' in a) return fromTensor(a.tensor, true);
  if (name === 'value_int' && 'int' in a) return { dims: [], elemType: OnnxDataType.int64, values: [a.int], constant: true };
  if (name === 'value_ints' && 'ints' in a) return { dims: [a.ints.length], elemType: OnnxDataType.int64, values: a.ints, constant: true };
  if (name === 'value_float' && 'float' in a) return { dims: [], elemType: OnnxDataType.float, values: [a.float], constant: true };
  if (name === 'value_floats' && 'floats' in a) return { dims: [a.floats.length], elemType: OnnxDataType.float, values: a.floats, constant: true };
  return UNKNOWN;
}

/**
 * Infers shapes for `inputDims` (graph input name → concrete dims). Symbolic dimensions that name
 * an input's dimension (`batch`, `sequence`) are resolved from it, for the `value_info` fallback.
 */
export function inferShapes(model: OnnxModel, inputDims: Readonly<Record<string, readonly number[]>>): ShapeInference {
  const values = new Map<string, InferredValue>();
  const symbols = new Map<string, number>();
  for (const t of model.initializers) values.set(t.name, fromTensor(t, true));
  for (const input of model.inputs) {
    if (values.has(input.name)) continue; // an initializer with a default, not a real input
    const dims = inputDims[input.name];
    if (!dims) {
      const known = input.dims?.every((d) => typeof d === 'number');
      values.set(input.name, { dims: known ? (input.dims as number[]) : null, elemType: input.elemType, constant: false });
      continue;
    }
    input.dims?.forEach((d, i) => typeof d === 'string' && dims[i] !== undefined && symbols.set(d, dims[i]));
    values.set(input.name, { dims: [...dims], elemType: input.elemType, constant: false });
  }
  const declared = new Map(model.valueInfo.concat(model.outputs).map((v) => [v.name, v]));
  const unknownOps: string[] = [];

  for (const node of model.nodes) {
    const ins = node.inputs.map((name) => (name === '' ? undefined : (values.get(name) ?? UNKNOWN)));
    let outs: (InferredValue | undefined)[];
    try {
      outs = inferNode(node, ins, model.opset);
    } catch {
      outs = [];
    }
    if (outs === NOT_SUPPORTED) {
      const qualified = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
      if (!unknownOps.includes(qualified)) unknownOps.push(qualified);
      outs = [];
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      let value = outs[i] ?? UNKNOWN;
      if (value.dims === null) {
        const info = declared.get(name);
        const dims = info?.dims?.map((d) => (typeof d === 'number' ? d : d === null ? undefined : symbols.get(d)));
        if (dims && dims.every((d) => d !== undefined)) value = { ...value, dims: dims as number[], elemType: value.elemType ?? info!.elemType };
      }
      values.set(name, value);
    });
  }
  return { values, unknownOps };
}

const NOT_SUPPORTED: InferredValue[] = [];

/** Outputs of one node from its inputs (undefined: an optional input left out). */
function inferNode(node: OnnxNode, ins: (InferredValue | undefined)[], opset: number): (InferredValue | undefined)[] {
  const op = node.opType;
  const x = ins[0] ?? UNKNOWN;
  const constant = ins.every((v) => v === undefined || v.constant);
  const known = (v: InferredValue | undefined): v is InferredValue & { dims: number[] } => v !== undefined && v.dims !== null;
  const withValues = (dims: number[], elemType: number | null, vals?: number[]): InferredValue => ({
    dims,
    elemType,
    constant,
    ...(vals && vals.length === product(dims) && { values: vals }),
  });

  if (op === 'Constant') return [constantNodeValue(node.attributes)];
  if (SAME_SHAPE.has(op)) {
    if (!known(x)) return [];
    const elemType = BOOL_RESULT.has(op) ? OnnxDataType.bool : x.elemType;
    const vals = op === 'Identity' ? x.values : op === 'Not' ? x.values?.map((v) => Number(!v)) : op === 'Neg' ? x.values?.map((v) => -v) : undefined;
    return [withValues(x.dims, elemType, vals)];
  }
  if (op === 'Cast' || op === 'CastLike') {
    if (!known(x)) return [];
    const to = op === 'Cast' ? attrInt(node, 'to', 0) : (ins[1]?.elemType ?? 0);
    const vals = x.values?.map((v) => (to === OnnxDataType.bool ? Number(v !== 0) : INTEGER_TYPES.has(to) ? Math.trunc(v) : v));
    return [withValues(x.dims, to || null, vals)];
  }
  if (BROADCAST.has(op) || op === 'Where') {
    const args = ins.filter((v): v is InferredValue => v !== undefined);
    if (!args.every(known)) return [];
    const dims = broadcastDims(args.map((a) => a.dims!));
    if (!dims) return [];
    const elemType = BOOL_RESULT.has(op) ? OnnxDataType.bool : op === 'Where' ? (args[1].elemType ?? args[2]?.elemType ?? null) : args[0].elemType;
    let vals: number[] | undefined;
    if (args.every((a) => a.values) && product(dims) <= KEPT_TENSOR_ELEMENTS) {
      const integer = elemType !== null && INTEGER_TYPES.has(elemType);
      vals = Array.from({ length: product(dims) }, (_, i) => {
        const v = elementwise(op, args.map((a) => a.values![broadcastIndex(i, dims, a.dims!)]));
        return integer && op === 'Div' ? Math.trunc(v) : v;
      });
    }
    return [withValues(dims, elemType, vals)];
  }
  if (op === 'Shape') {
    if (!known(x)) return [];
    const rank = x.dims.length;
    const clamp = (v: number) => Math.min(rank, Math.max(0, normAxis(v, rank)));
    const dims = x.dims.slice(clamp(attrInt(node, 'start', 0)), clamp(attrInt(node, 'end', rank)));
    return [{ dims: [dims.length], elemType: OnnxDataType.int64, values: dims, constant: true }];
  }
  if (op === 'Size') return known(x) ? [{ dims: [], elemType: OnnxDataType.int64, values: [product(x.dims)], constant: true }] : [];
  if (op === 'Gather') {
    const indices = ins[1];
    if (!known(x) || !known(indices)) return [];
    const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length);
    const dims = [...x.dims.slice(0, axis), ...indices.dims, ...x.dims.slice(axis + 1)];
    let vals: number[] | undefined;
    if (x.values && indices.values && x.dims.length === 1) vals = indices.values.map((i) => x.values![i < 0 ? i + x.dims[0] : i]);
    return [withValues(dims, x.elemType, vals)];
  }
  if (op === 'GatherElements') return known(ins[1]) ? [withValues(ins[1].dims, x.elemType)] : [];
  if (op === 'Unsqueeze' || op === 'Squeeze') {
    if (!known(x)) return [];
    const axes = opset >= 13 ? ins[1]?.values : attrInts(node, 'axes');
    if (op === 'Unsqueeze') {
      if (!axes) return [];
      const rank = x.dims.length + axes.length;
      const at = new Set(axes.map((a) => normAxis(a, rank)));
      const dims: number[] = [];
      let next = 0;
      for (let i = 0; i < rank; i++) dims.push(at.has(i) ? 1 : x.dims[next++]);
      return [withValues(dims, x.elemType, x.values)];
    }
    const drop = axes ? new Set(axes.map((a) => normAxis(a, x.dims.length))) : new Set(x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
    return [withValues(x.dims.filter((_, i) => !drop.has(i)), x.elemType, x.values)];
  }
  if (op === 'Concat') {
    const args = ins.filter((v): v is InferredValue => v !== undefined);
    if (!args.every(known) || args.length === 0) return [];
    const axis = normAxis(attrInt(node, 'axis', 0), args[0].dims!.length);
    const dims = [...args[0].dims!];
    dims[axis] = args.reduce((sum, a) => sum + a.dims![axis], 0);
    const vals = dims.length === 1 && args.every((a) => a.values) ? args.flatMap((a) => a.values!) : undefined;
    return [withValues(dims, args[0].elemType, vals)];
  }
  if (op === 'Reshape') {
    const shape = ins[1]?.values;
    if (!known(x) || !shape) return [];
    const allowZero = attrInt(node, 'allowzero', 0) === 1;
    const dims = shape.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
    const inferred = dims.indexOf(-1);
    if (inferred >= 0) dims[inferred] = product(x.dims) / product(dims.filter((_, i) => i !== inferred));
    return [withValues(dims, x.elemType, x.values)];
  }
  if (op === 'Flatten') {
    if (!known(x)) return [];
    const axis = normAxis(attrInt(node, 'axis', 1), x.dims.length);
    return [withValues([product(x.dims.slice(0, axis)), product(x.dims.slice(axis))], x.elemType, x.values)];
  }
  if (op === 'Transpose') {
    if (!known(x)) return [];
    const perm = attrInts(node, 'perm') ?? x.dims.map((_, i) => x.dims.length - 1 - i);
    return [withValues(perm.map((p) => x.dims[p]), x.elemType)];
  }
  if (op === 'Slice') return [slice(node, ins, opset, constant)];
  if (op === 'Expand') {
    const shape = ins[1]?.values;
    if (!known(x) || !shape) return [];
    const dims = broadcastDims([x.dims, shape]);
    return dims ? [withValues(dims, x.elemType, x.values && product(x.dims) === 1 ? new Array(product(dims)).fill(x.values[0]) : undefined)] : [];
  }
  if (op === 'ConstantOfShape') {
    const shape = x.values;
    if (!shape) return [];
    const a = node.attributes.value;
    const fill = a && 'tensor' in a ? fromTensor(a.tensor, true) : { elemType: OnnxDataType.float, values: [0] };
    const n = product(shape);
    return [{ dims: shape, elemType: fill.elemType, constant: true, ...(fill.values && n <= KEPT_TENSOR_ELEMENTS && { values: new Array(n).fill(fill.values[0]) }) }];
  }
  if (op === 'Range') {
    const [start, limit, delta] = ins.map((v) => v?.values?.[0]);
    if (start === undefined || limit === undefined || delta === undefined) return [];
    const n = Math.max(0, Math.ceil((limit - start) / delta));
    return [withValues([n], x.elemType, n <= KEPT_TENSOR_ELEMENTS ? Array.from({ length: n }, (_, i) => start + i * delta) : undefined)];
  }
  if (op === 'Tile') {
    const repeats = ins[1]?.values;
    return known(x) && repeats ? [withValues(x.dims.map((d, i) => d * repeats[i]), x.elemType)] : [];
  }
  if (op === 'Split') {
    if (!known(x)) return [];
    const axis = normAxis(attrInt(node, 'axis', 0), x.dims.length);
    const sizes = (opset >= 13 ? ins[1]?.values : attrInts(node, 'split')) ?? new Array(node.outputs.length).fill(x.dims[axis] / node.outputs.length);
    return sizes.map((size) => withValues(x.dims.map((d, i) => (i === axis ? size : d)), x.elemType));
  }
  if (REDUCE.has(op) || op === 'ArgMax' || op === 'ArgMin') {
    if (!known(x)) return [];
    const keep = attrInt(node, 'keepdims', 1) === 1;
    const axesInput = op === 'ReduceSum' ? opset >= 13 : REDUCE.has(op) && opset >= 18;
    const arg = op === 'ArgMax' || op === 'ArgMin';
    const axes = arg ? [attrInt(node, 'axis', 0)] : axesInput ? ins[1]?.values : attrInts(node, 'axes');
    const all = !axes || axes.length === 0;
    if (all && attrInt(node, 'noop_with_empty_axes', 0) === 1) return [withValues(x.dims, x.elemType)];
    const reduced = new Set(all ? x.dims.map((_, i) => i) : axes.map((a) => normAxis(a, x.dims.length)));
    const dims = x.dims.flatMap((d, i) => (reduced.has(i) ? (keep ? [1] : []) : [d]));
    return [withValues(dims, arg ? OnnxDataType.int64 : x.elemType)];
  }
  const matmul = matMulShape(node, ins);
  if (matmul !== undefined) return matmul ? [{ dims: matmul.output, elemType: matmul.elemType, constant }] : [];
  return NOT_SUPPORTED;
}

function slice(node: OnnxNode, ins: (InferredValue | undefined)[], opset: number, constant: boolean): InferredValue {
  const x = ins[0];
  if (!x?.dims) return UNKNOWN;
  const fromInputs = opset >= 10;
  const starts = fromInputs ? ins[1]?.values : attrInts(node, 'starts');
  const ends = fromInputs ? ins[2]?.values : attrInts(node, 'ends');
  if (!starts || !ends) return UNKNOWN;
  const axes = (fromInputs ? ins[3]?.values : attrInts(node, 'axes')) ?? starts.map((_, i) => i);
  const steps = (fromInputs ? ins[4]?.values : undefined) ?? starts.map(() => 1);
  const dims = [...x.dims];
  const picks = dims.map((d) => Array.from({ length: d }, (_, i) => i));
  axes.forEach((rawAxis, k) => {
    const axis = normAxis(rawAxis, dims.length);
    const d = x.dims![axis];
    const step = steps[k];
    const clampIndex = (v: number, low: number, high: number) => Math.min(high, Math.max(low, v < 0 ? v + d : v));
    const start = step > 0 ? clampIndex(starts[k], 0, d) : clampIndex(starts[k], 0, d - 1);
    const end = step > 0 ? clampIndex(ends[k], 0, d) : clampIndex(ends[k], -1, d - 1);
    const chosen: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) chosen.push(i);
    picks[axis] = chosen;
    dims[axis] = chosen.length;
  });
  const vals = x.values && x.dims.length === 1 ? picks[0].map((i) => x.values![i]) : undefined;
  return { dims, elemType: x.elemType, constant, ...(vals && { values: vals }) };
}

/** The GEMM-like ops: their output shape, and the matrix dimensions FLOP counting needs. */
export interface MatMulShape {
  /** Output dims. */
  output: number[];
  /** The contracted (inner) dimension. */
  k: number;
  elemType: number | null;
}

const MATMUL_OPS = new Set(['MatMul', 'MatMulInteger', 'MatMulIntegerToFloat', 'FusedMatMul', 'DynamicQuantizeMatMul', 'Gemm', 'QLinearMatMul']);

/**
 * MatMul-family shapes (numpy matmul semantics, Gemm's transposes). Undefined: not a MatMul-family
 * op; null: one is, but an input shape is unknown.
 */
export function matMulShape(node: OnnxNode, ins: readonly (InferredValue | undefined)[]): MatMulShape | null | undefined {
  if (!MATMUL_OPS.has(node.opType)) return undefined;
  // QLinearMatMul: (a, a_scale, a_zero_point, b, ...); the others take a and b first.
  const [a, b] = node.opType === 'QLinearMatMul' ? [ins[0], ins[3]] : [ins[0], ins[1]];
  if (!a?.dims || !b?.dims || a.dims.length === 0 || b.dims.length === 0) return null;
  const elemType = node.opType === 'MatMulInteger' ? OnnxDataType.int32 : node.opType.includes('Integer') || node.opType.startsWith('Dynamic') ? OnnxDataType.float : a.elemType;
  if (node.opType === 'Gemm' || node.opType === 'FusedMatMul') {
    const ta = attrInt(node, 'transA', 0) === 1;
    const tb = attrInt(node, 'transB', 0) === 1;
    const aDims = swapLastTwo(a.dims, ta);
    const bDims = swapLastTwo(b.dims, tb);
    return matmulDims(aDims, bDims, elemType);
  }
  return matmulDims(a.dims, b.dims, elemType);
}

function swapLastTwo(dims: number[], swap: boolean): number[] {
  if (!swap || dims.length < 2) return dims;
  const out = [...dims];
  [out[out.length - 2], out[out.length - 1]] = [out[out.length - 1], out[out.length - 2]];
  return out;
}

function matmulDims(aIn: number[], bIn: number[], elemType: number | null): MatMulShape | null {
  const a = aIn.length === 1 ? [1, aIn[0]] : aIn;
  const b = bIn.length === 1 ? [bIn[0], 1] : bIn;
  const k = a[a.length - 1];
  if (b[b.length - 2] !== k) return null;
  const batch = broadcastDims([a.slice(0, -2), b.slice(0, -2)]);
  if (!batch) return null;
  const output = [...batch, ...(aIn.length === 1 ? [] : [a[a.length - 2]]), ...(bIn.length === 1 ? [] : [b[b.length - 1]])];
  return { output, k, elemType };
}
