import type { Encoder, EncoderText, TextKind } from './encoder.ts';

/**
 * Encodes many texts (a candidate pool) in batches: `texts.length × dimension` floats, row i for
 * texts[i]. Texts are batched longest first so each batch holds similar lengths and little padding
 * (padding costs time, never changes a vector); rows are written back in the caller's order.
 */
export async function encodeTexts(
  encoder: Encoder,
  texts: readonly EncoderText[],
  kind: TextKind,
  batchSize: number,
  onProgress?: (done: number, total: number) => void,
  /** Checked between batches: a cancelled run does not encode the rest of a 13k-sentence pool. */
  signal?: AbortSignal,
): Promise<Float32Array> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const dim = encoder.dimension;
  const total = texts.length;
  const out = new Float32Array(total * dim);
  // Character length stands in for token length: tokenizing twice would cost more than it saves.
  const chars = texts.map((t) => (typeof t === 'string' ? t.length : t.text.length + t.context.length));
  const order = Array.from({ length: total }, (_, i) => i).sort((a, b) => chars[b] - chars[a] || a - b);
  for (let start = 0; start < total; start += batchSize) {
    signal?.throwIfAborted();
    const indices = order.slice(start, start + batchSize);
    const vectors = await encoder.run(encoder.tokenize(indices.map((i) => texts[i]), kind));
    for (let k = 0; k < indices.length; k++) out.set(vectors.subarray(k * dim, (k + 1) * dim), indices[k] * dim);
    onProgress?.(start + indices.length, total);
  }
  return out;
}
