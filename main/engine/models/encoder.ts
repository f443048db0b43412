import type { ModelManifest } from './manifest.ts';

export type ExecutionProvider = 'cpu' | 'cuda';
export type TextKind = 'query' | 'passage';

/** A text to encode: alone, or with its context (a candidate sentence and its paragraph) as the second segment of a text pair. */
export type EncoderText = string | { text: string; context: string };

/** Token ids of a padded batch, laid out row-major as ONNX Runtime wants them. */
export interface TokenizedBatch {
  batchSize: number;
  sequenceLength: number;
  inputIds: BigInt64Array;
  attentionMask: BigInt64Array;
  /** Unpadded length of each row (special tokens included). */
  lengths: number[];
  /** Segment ids (0 first text, 1 its context) when the batch holds text pairs; absent: all zeros. */
  tokenTypeIds?: BigInt64Array;
}

/**
 * A loaded sentence encoder. Only `models/` touches ONNX Runtime sessions; everything else
 * sees this interface. Tokenize and run are separate so latency can be measured per stage.
 */
export interface Encoder {
  readonly manifest: ModelManifest;
  readonly dir: string;
  /** The provider that actually runs the graph (after any fallback). */
  readonly provider: ExecutionProvider;
  /** Why a fallback happened, if one did. */
  readonly fallbackReason?: string;
  /** The embedding width. */
  readonly dimension: number;
  /** Adds the manifest's prefix, tokenizes (a text with context as a pair), truncates to maxLength, pads to the longest row. */
  tokenize(texts: readonly EncoderText[], kind: TextKind): TokenizedBatch;
  /** Runs the graph, pools, applies Dense layers and normalises as the manifest says: `batchSize × dimension` floats. */
  run(batch: TokenizedBatch): Promise<Float32Array>;
  dispose(): Promise<void>;
}
