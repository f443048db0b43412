import { z } from 'zod';
import { inferEncoderShapes } from './flop-count.ts';
import { elementBytes, INTEGER_DATA_TYPES, OnnxDataType, type OnnxModel, type OnnxNode } from './onnx-model.ts';
import { attrInt, type InferredValue, type ShapeInference } from './shape-inference.ts';

/**
 * Bytes one forward pass moves, counted from the ONNX graph at a concrete input shape, for the
 * roofline's memory side (arithmetic intensity = FLOPs ÷ bytes).
 *
 * - `weightBytes`: every constant an op reads at run time (initializers, and values computed from
 *   them and the input shape alone, which ONNX Runtime folds or computes once per run), each once
 *   per graph run — a batch reads its weights once, whatever its size. Integer tensors whose
 *   contents follow from the shapes (Reshape targets, axes) are shape bookkeeping, not counted. An embedding table read by Gather counts only the
 *   rows gathered (batch × tokens of them, at most the whole table): XLM-R's 768 MB word table is
 *   not streamed per query, its 340 MB of layer weights are.
 * - `ioBytes`: the graph's inputs read and outputs written.
 * - `memoryBytes` = weights + inputs and outputs: the traffic no implementation can avoid, and so
 *   the bytes the roofline's intensity divides by. Its attainable rate is an upper bound.
 * - `activationBytes`: an estimate of the rest: every run-time op reading its activation inputs
 *   and writing its outputs once, with no fusion and no cache. Ops that only relabel a buffer
 *   (Reshape, Squeeze, Unsqueeze, Flatten, Identity, Dropout at inference, Shape, Size) move
 *   nothing. At a few dozen tokens these tensors are tens to hundreds of kilobytes and stay in
 *   the caches; at thousands of rows they reach memory, which this figure bounds from above.
 */
export const ByteCountSchema = z.object({
  batch: z.number().int(),
  sequence: z.number().int(),
  weightBytes: z.number(),
  ioBytes: z.number(),
  memoryBytes: z.number(),
  activationBytes: z.number(),
  /** Constants read at run time, and how many bytes of them (after the Gather rule). */
  weights: z.number().int(),
  /** Values an op reads or writes whose size could not be inferred: with any, the counts are lower bounds. */
  unsized: z.array(z.string()),
});
export type ByteCount = z.infer<typeof ByteCountSchema>;

/** Ops that hand their input's buffer on, or read only its shape: no data moves. */
const NO_DATA_MOVED = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity', 'Dropout', 'Shape', 'Size']);

const INTEGER_TYPES = new Set<number | null>([...INTEGER_DATA_TYPES, OnnxDataType.bool]);

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

function sizeOf(v: InferredValue | undefined): number | null {
  const bytes = elementBytes(v?.elemType ?? -1);
  return v?.dims && bytes !== undefined ? product(v.dims) * bytes : null;
}

export function countBytes(model: OnnxModel, batch: number, sequence: number, shapes: ShapeInference = inferEncoderShapes(model, batch, sequence)): ByteCount {
  const { values } = shapes;
  const weightRead = new Map<string, number>();
  const unsized = new Set<string>();
  let activationBytes = 0;
  const sized = (name: string, v: InferredValue | undefined): number => {
    const bytes = sizeOf(v);
    if (bytes === null) unsized.add(name);
    return bytes ?? 0;
  };

  for (const node of model.nodes) {
    // An omitted optional input ('') has no value.
    const ins = node.inputs.map((name) => values.get(name));
    // A node whose inputs are all constant is folded at load (or works on shape integers): it costs no run.
    if (!ins.some((v) => v !== undefined && !v.constant)) continue;
    const movesData = !NO_DATA_MOVED.has(node.opType);
    node.inputs.forEach((name, i) => {
      const v = ins[i];
      if (v === undefined) return;
      if (v.constant) {
        if (v.values && INTEGER_TYPES.has(v.elemType)) return;
        const full = sized(name, v);
        const gathered = node.opType === 'Gather' && i === 0 ? gatheredBytes(node, v, ins[1]) : null;
        // A table gathered by several nodes is read at most once in full; any other weight once per run.
        weightRead.set(name, gathered === null ? full : Math.min(full, (weightRead.get(name) ?? 0) + gathered));
      } else if (movesData) {
        activationBytes += sized(name, v);
      }
    });
    if (movesData) for (const name of node.outputs) if (name !== '') activationBytes += sized(name, values.get(name));
  }

  const initializers = new Set(model.initializers.map((t) => t.name));
  let ioBytes = 0;
  for (const input of model.inputs) if (!initializers.has(input.name)) ioBytes += sized(input.name, values.get(input.name));
  for (const output of model.outputs) ioBytes += sized(output.name, values.get(output.name));
  const weightBytes = [...weightRead.values()].reduce((a, b) => a + b, 0);
  return { batch, sequence, weightBytes, ioBytes, memoryBytes: weightBytes + ioBytes, activationBytes, weights: weightRead.size, unsized: [...unsized] };
}

/** Bytes of the rows Gather(axis 0) takes from a constant table; null when it is not that case or a size is unknown. */
function gatheredBytes(gather: OnnxNode, table: InferredValue, indices: InferredValue | undefined): number | null {
  const rowBytes = table.dims && attrInt(gather, 'axis', 0) === 0 ? sizeOf({ ...table, dims: table.dims.slice(1) }) : null;
  return rowBytes === null || !indices?.dims ? null : product(indices.dims) * rowBytes;
}
