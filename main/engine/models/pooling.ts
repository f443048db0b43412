// Token states → one vector per text. These run inside every measured encoder call, so they are
// plain loops over flat arrays: no per-row allocation, no BigInt reads of the attention mask.

/**
 * Mean of each row's first `lengths[b]` token states of a right-padded `[batch, seq, dim]` tensor
 * (the tokenizer pads on the right, so those are exactly the positions the attention mask keeps).
 */
export function meanPool(hidden: Float32Array, lengths: readonly number[], seq: number, dim: number): Float32Array {
  const batch = lengths.length;
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const length = lengths[b];
    const row = b * dim;
    let offset = b * seq * dim;
    for (let s = 0; s < length; s++, offset += dim) {
      for (let d = 0; d < dim; d++) out[row + d] += hidden[offset + d];
    }
    const scale = length > 0 ? 1 / length : 0;
    for (let d = 0; d < dim; d++) out[row + d] *= scale;
  }
  return out;
}

/** Element-wise maximum over each row's first `lengths[b]` token states (sentence-transformers' max pooling). */
export function maxPool(hidden: Float32Array, lengths: readonly number[], seq: number, dim: number): Float32Array {
  const batch = lengths.length;
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const row = b * dim;
    const length = lengths[b];
    if (length === 0) continue;
    out.set(hidden.subarray(b * seq * dim, b * seq * dim + dim), row);
    let offset = b * seq * dim + dim;
    for (let s = 1; s < length; s++, offset += dim) {
      for (let d = 0; d < dim; d++) if (hidden[offset + d] > out[row + d]) out[row + d] = hidden[offset + d];
    }
  }
  return out;
}

/** The first token's state of each row (`[CLS]` / `<s>`). */
export function clsPool(hidden: Float32Array, batch: number, seq: number, dim: number): Float32Array {
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) out.set(hidden.subarray(b * seq * dim, b * seq * dim + dim), b * dim);
  return out;
}

/** Scales each `dim`-wide row to unit L2 norm, in place; an all-zero row stays zero. */
export function l2NormalizeRows(rows: Float32Array, dim: number): Float32Array {
  for (let start = 0; start < rows.length; start += dim) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += rows[start + d] * rows[start + d];
    if (sum === 0) continue;
    const scale = 1 / Math.sqrt(sum);
    for (let d = 0; d < dim; d++) rows[start + d] *= scale;
  }
  return rows;
}
