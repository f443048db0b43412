import { XlirError } from '../errors.ts';
import type { Encoder, TokenizedBatch } from '../models/encoder.ts';

/** Filler whose tokens are ordinary word pieces in every tokenizer the tool ships or replicates. */
const FILLER = 'the quick brown fox jumps over the lazy dog while a question about latency waits for its answer ';

/**
 * A batch of `batchSize` identical rows of exactly `tokens` tokens (special tokens included),
 * made with the model's own tokenizer so every id exists in its vocabulary: the input of sweeps
 * and the roofline bench, where the token count, not the text, is what is varied.
 */
export function syntheticBatch(encoder: Encoder, batchSize: number, tokens: number): TokenizedBatch {
  const { maxLength, name } = encoder.manifest;
  if (!Number.isInteger(tokens) || tokens < 2 || tokens > maxLength) {
    throw new XlirError('INVALID_OPTION', `${name} takes 2 to ${maxLength} tokens per input (its manifest's maxLength); ${tokens} was asked for.`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new XlirError('INVALID_OPTION', `batch size must be a positive integer, got ${batchSize}`);
  // Long enough to be truncated at maxLength: the tokenizer then keeps the trailing special tokens.
  const text = FILLER.repeat(Math.ceil((maxLength * 2) / 10));
  const full = encoder.tokenize([text], 'passage');
  const row = full.inputIds.subarray(0, full.lengths[0]);
  // The head of the row, then its tail (the trailing special tokens) at the end.
  const trailing = trailingSpecials(encoder, row);
  const ids = new BigInt64Array(tokens);
  ids.set(row.subarray(0, tokens - trailing));
  ids.set(row.subarray(row.length - trailing), tokens - trailing);
  const inputIds = new BigInt64Array(batchSize * tokens);
  for (let b = 0; b < batchSize; b++) inputIds.set(ids, b * tokens);
  return {
    batchSize,
    sequenceLength: tokens,
    inputIds,
    attentionMask: new BigInt64Array(batchSize * tokens).fill(1n),
    lengths: new Array(batchSize).fill(tokens),
  };
}

/** How many ids at the end of a truncated row are special (1 for [SEP]/</s>): the ids a short text also ends with. */
function trailingSpecials(encoder: Encoder, truncated: BigInt64Array): number {
  const short = encoder.tokenize(['zebra'], 'passage');
  const shortRow = short.inputIds.subarray(0, short.lengths[0]);
  let n = 0;
  while (n < shortRow.length - 1 && n < truncated.length - 1 && shortRow[shortRow.length - 1 - n] === truncated[truncated.length - 1 - n]) n++;
  return n;
}
