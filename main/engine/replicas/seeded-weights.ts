import { createRng } from '../random/seeded.ts';
import type { InitializerSpec } from './encoder-graph.ts';

/**
 * The values of a replica's weights: every tensor its own stream of the seeded generator
 * (random/seeded.ts), seeded from the replica seed and the tensor's name, so a tensor is drawn in
 * chunks, in order, without holding it whole, and the same on every machine. Values are uniform
 * with the standard deviation of BERT's initializer (0.02) around the tensor's mean (1 for
 * LayerNorm gains, 0 otherwise): only + and × of exactly representable numbers and one rounding to
 * float32, so no libm function can make two machines differ. Padding rows stay zero, as
 * nn.Embedding(padding_idx) leaves them. The values do not matter for latency; that they are fixed
 * does, for the graph's sha256.
 */

/** Half-width of a uniform distribution with standard deviation 0.02. */
const HALF_WIDTH = 0.02 * Math.sqrt(3);

/** FNV-1a over the UTF-16 code units of `text`: a stable 32-bit seed per tensor. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Returns a function that fills each next chunk of the tensor's float32 elements. */
export function weightStream(seed: number, spec: InitializerSpec): (chunk: Float32Array) => void {
  const rng = createRng(hash32(`${seed}:${spec.name}`));
  const rowLength = spec.dims.length > 1 ? spec.dims.slice(1).reduce((a, b) => a * b, 1) : 1;
  const zeroRanges = (spec.zeroRows ?? []).map((row) => [row * rowLength, (row + 1) * rowLength] as const);
  const { mean } = spec;
  let position = 0;
  return (chunk) => {
    for (let i = 0; i < chunk.length; i++) chunk[i] = mean + (2 * rng() - 1) * HALF_WIDTH;
    for (const [start, end] of zeroRanges) {
      // Still drawn above, so every element keeps its place in the stream.
      for (let at = Math.max(start, position); at < Math.min(end, position + chunk.length); at++) chunk[at - position] = 0;
    }
    position += chunk.length;
  };
}
