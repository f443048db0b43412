import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { XlirError } from '../errors.ts';
import { applyDenseLayers, type LoadedDense } from './dense-layers.ts';
import type { Encoder, EncoderText, ExecutionProvider, TextKind, TokenizedBatch } from './encoder.ts';
import type { ModelManifest } from './manifest.ts';
import { clsPool, l2NormalizeRows, maxPool, meanPool } from './pooling.ts';
import type { TextTokenizer } from './tokenizer.ts';
import type { GraphFile } from './variant-file.ts';

/** The ORT inputs of one batch, keyed by graph input name. */
export type OrtFeeds = Record<string, Tensor>;

export interface OnnxEncoderParts {
  dir: string;
  manifest: ModelManifest;
  session: InferenceSession;
  tokenizer: TextTokenizer;
  provider: ExecutionProvider;
  fallbackReason?: string;
  /** The file the session runs (the folder's graph or a variant). */
  graph: GraphFile;
  dense: LoadedDense[];
  /** Where each manifest field came from, and what was assumed. */
  inference: ModelInference;
}

export interface ModelInference {
  sources: Record<string, string>;
  notes: string[];
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
  readonly graph: GraphFile;
  readonly inference: ModelInference;
  readonly #session: InferenceSession;
  readonly #dense: LoadedDense[];
  /** Width of the graph's token states (the first Dense layer's input, else the dimension). */
  readonly #hidden: number;
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
    this.graph = parts.graph;
    this.inference = parts.inference;
    this.#dense = parts.dense;
    this.#hidden = parts.dense[0]?.layer.inFeatures ?? parts.manifest.dimension;
    this.#session = parts.session;
    this.#tokenizer = parts.tokenizer;
    this.#output = parts.manifest.output;
    this.#fetches = [parts.manifest.output];
  }

  /** The graph's inputs and outputs as ONNX Runtime reports them. */
  get signature(): { inputs: readonly InferenceSession.ValueMetadata[]; outputs: readonly InferenceSession.ValueMetadata[] } {
    return { inputs: this.#session.inputMetadata, outputs: this.#session.outputMetadata };
  }

  tokenize(texts: readonly EncoderText[], kind: TextKind): TokenizedBatch {
    return this.#tokenizer.tokenize(texts, kind);
  }

  /** The tensors `run` feeds: ids and mask as int64 `[batch, seq]`, token type ids if declared (the batch's segments, else zeros). */
  feeds(batch: TokenizedBatch): OrtFeeds {
    const dims = [batch.batchSize, batch.sequenceLength];
    const { inputIds, attentionMask, tokenTypeIds } = this.manifest.inputs;
    const feeds: OrtFeeds = {
      [inputIds]: new Tensor('int64', batch.inputIds, dims),
      [attentionMask]: new Tensor('int64', batch.attentionMask, dims),
    };
    if (tokenTypeIds !== undefined) feeds[tokenTypeIds] = new Tensor('int64', batch.tokenTypeIds ?? new BigInt64Array(batch.inputIds.length), dims);
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
    const states = this.#checkedData(output, batch);
    const width = this.#hidden;
    const { pooling } = this.manifest;
    const pooled =
      pooling === 'mean'
        ? meanPool(states, batch.lengths, batch.sequenceLength, width)
        : pooling === 'cls'
          ? clsPool(states, batch.batchSize, batch.sequenceLength, width)
          : pooling === 'max'
            ? maxPool(states, batch.lengths, batch.sequenceLength, width)
            : states; // `none`: the graph's own [batch, dim] output, which this call owns.
    const vectors = this.#dense.length > 0 ? applyDenseLayers(pooled, batch.batchSize, this.#dense) : pooled;
    return this.manifest.normalize ? l2NormalizeRows(vectors, this.dimension) : vectors;
  }

  // The load-time check cannot see symbolic dimensions; a few comparisons per run catch the rest.
  #checkedData(output: Tensor, batch: TokenizedBatch): Float32Array {
    const { dims } = output;
    const pooled = this.manifest.pooling !== 'none';
    const expected = pooled ? [batch.batchSize, batch.sequenceLength, this.#hidden] : [batch.batchSize, this.#hidden];
    if (output.type !== 'float32' || dims.length !== expected.length || dims.some((d, i) => d !== expected[i])) {
      throw new XlirError(
        'MANIFEST_MISMATCH',
        `${this.dir}: output "${this.#output}" came back as ${output.type} [${dims.join(', ')}], expected float32 [${expected.join(', ')}] ` +
          `(pooling "${this.manifest.pooling}", width ${this.#hidden}). Fix dimension/output/pooling in manifest.json.`,
      );
    }
    return output.data as Float32Array;
  }

  /** Ends ONNX Runtime's profiling of a session loaded with `profileFilePrefix`, which writes its trace file. */
  endProfiling(): void {
    this.#session.endProfiling();
  }

  async dispose(): Promise<void> {
    await this.#session.release();
  }
}
