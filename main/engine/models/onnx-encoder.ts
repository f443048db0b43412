import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { XlirError } from '../errors.ts';
import type { Encoder, ExecutionProvider, TextKind, TokenizedBatch } from './encoder.ts';
import type { ModelManifest } from './manifest.ts';
import { clsPool, l2NormalizeRows, meanPool } from './pooling.ts';
import type { TextTokenizer } from './tokenizer.ts';

/** The ORT inputs of one batch, keyed by graph input name. */
export type OrtFeeds = Record<string, Tensor>;

export interface OnnxEncoderParts {
  dir: string;
  manifest: ModelManifest;
  session: InferenceSession;
  tokenizer: TextTokenizer;
  provider: ExecutionProvider;
  fallbackReason?: string;
}

/**
 * The Encoder over one ONNX Runtime session. Besides the Encoder interface it offers `feeds` and
 * `bareRun` for the harness-overhead benchmark: `bareRun(feeds(batch))` is exactly the
 * `session.run` call that `run(batch)` makes, without pooling, so the two can be timed side by side.
 */
export class OnnxEncoder implements Encoder {
  readonly manifest: ModelManifest;
  readonly dir: string;
  readonly provider: ExecutionProvider;
  readonly fallbackReason?: string;
  readonly dimension: number;
  readonly #session: InferenceSession;
  readonly #tokenizer: TextTokenizer;
  readonly #output: string;
  // Fetch only the manifest's output: other outputs (e.g. a pooler) are never computed or copied.
  readonly #fetches: readonly string[];

  constructor(parts: OnnxEncoderParts) {
    this.manifest = parts.manifest;
    this.dir = parts.dir;
    this.provider = parts.provider;
    if (parts.fallbackReason !== undefined) this.fallbackReason = parts.fallbackReason;
    this.dimension = parts.manifest.dimension;
    this.#session = parts.session;
    this.#tokenizer = parts.tokenizer;
    this.#output = parts.manifest.output;
    this.#fetches = [parts.manifest.output];
  }

  tokenize(texts: string[], kind: TextKind): TokenizedBatch {
    return this.#tokenizer.tokenize(texts, kind);
  }

  /** The tensors `run` feeds: ids and mask as int64 `[batch, seq]`, token type ids as zeros if declared. */
  feeds(batch: TokenizedBatch): OrtFeeds {
    const dims = [batch.batchSize, batch.sequenceLength];
    const { inputIds, attentionMask, tokenTypeIds } = this.manifest.inputs;
    const feeds: OrtFeeds = {
      [inputIds]: new Tensor('int64', batch.inputIds, dims),
      [attentionMask]: new Tensor('int64', batch.attentionMask, dims),
    };
    if (tokenTypeIds !== undefined) feeds[tokenTypeIds] = new Tensor('int64', new BigInt64Array(batch.inputIds.length), dims);
    return feeds;
  }

  /** The bare `session.run` with the manifest's output as the only fetch. */
  bareRun(feeds: OrtFeeds): Promise<InferenceSession.ReturnType> {
    return this.#session.run(feeds, this.#fetches);
  }

  async run(batch: TokenizedBatch): Promise<Float32Array> {
    if (batch.batchSize === 0) return new Float32Array(0);
    const results = await this.#session.run(this.feeds(batch), this.#fetches);
    const output = results[this.#output] as Tensor;
    const hidden = this.#checkedData(output, batch);
    const dim = this.dimension;
    const pooled =
      this.manifest.pooling === 'mean'
        ? meanPool(hidden, batch.lengths, batch.sequenceLength, dim)
        : this.manifest.pooling === 'cls'
          ? clsPool(hidden, batch.batchSize, batch.sequenceLength, dim)
          : hidden; // `none`: the graph's own [batch, dim] output, which this call owns.
    return this.manifest.normalize ? l2NormalizeRows(pooled, dim) : pooled;
  }

  // The load-time check cannot see symbolic dimensions; a few comparisons per run catch the rest.
  #checkedData(output: Tensor, batch: TokenizedBatch): Float32Array {
    const { dims } = output;
    const pooled = this.manifest.pooling !== 'none';
    const expected = pooled ? [batch.batchSize, batch.sequenceLength, this.dimension] : [batch.batchSize, this.dimension];
    if (output.type !== 'float32' || dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
      throw new XlirError(
        'MANIFEST_MISMATCH',
        `${this.dir}: output "${this.#output}" came back as ${output.type} [${dims.join(', ')}], expected float32 [${expected.join(', ')}] ` +
          `(pooling "${this.manifest.pooling}", dimension ${this.dimension}). Fix dimension/output/pooling in manifest.json.`,
      );
    }
    return output.data as Float32Array;
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
