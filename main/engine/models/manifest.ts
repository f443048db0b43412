import { z } from 'zod';

/** A Linear layer (sentence-transformers' `Dense` module) the engine applies after pooling: y = activation(W·x + b). */
export const DenseLayerSchema = z
  .object({
    /** Folder of the layer inside the model folder (`2_Dense`): its config.json and model.safetensors. */
    path: z.string().min(1),
    inFeatures: z.number().int().positive(),
    outFeatures: z.number().int().positive(),
    bias: z.boolean(),
    activation: z.enum(['tanh', 'identity']),
  })
  .strict();
export type DenseLayer = z.infer<typeof DenseLayerSchema>;

/** How a retrieval candidate is put to the encoder: its sentence alone, or with its paragraph as the second segment of a text pair. */
export const CandidateContextSchema = z.enum(['none', 'paragraph']);
export type CandidateContext = z.infer<typeof CandidateContextSchema>;

const PrefixesShape = { query: z.string(), passage: z.string() };
const InputsShape = { inputIds: z.string(), attentionMask: z.string(), tokenTypeIds: z.string() };

const fields = {
  /** Folder-independent name shown in reports, e.g. `xlir-bridge-hybrid`. */
  name: z.string().min(1).max(120).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
  /** Architecture family, e.g. `xlm-roberta-base`, `labse`, `xlir-bridge`: a hybrid is compared with the baseline of its family. */
  family: z.string().min(1),
  /**
   * `baseline` and `hybrid` are trained checkpoints of one architecture; a `replica` has the
   * architecture of a real encoder with random weights: its latency is real, its quality is not;
   * `other` is any other trained checkpoint (a folder without a manifest whose name says neither).
   */
  checkpoint: z.enum(['baseline', 'hybrid', 'replica', 'other']),
  /** How token states become one vector; `none` when the graph already outputs a sentence vector. */
  pooling: z.enum(['mean', 'cls', 'max', 'none']),
  /** L2-normalise the final vector (inner product then equals cosine). */
  normalize: z.boolean(),
  /** Longest input in tokens, special tokens included; longer inputs are truncated. */
  maxLength: z.number().int().min(2).max(8192),
  /** The ONNX graph, relative to the folder; `model.onnx` when absent. */
  graph: z.string().min(1).optional(),
  /** The ONNX output read: `[batch, seq, hidden]` when pooling is mean/cls/max, `[batch, dim]` when none. */
  output: z.string().min(1),
  /** The width of the vectors the encoder returns (after any Dense layers). */
  dimension: z.number().int().positive(),
  /** Dense layers applied by the engine after pooling, in order (absent: none). */
  dense: z.array(DenseLayerSchema).optional(),
  /** Encode retrieval candidates with their paragraph as context (absent: `none`); a run's option overrides it. */
  candidateContext: CandidateContextSchema.optional(),
  licence: z.string().min(1),
  provenance: z.string().min(1),
  /** Precision variants in the folder, name → file relative to the folder, e.g. `{ "int8": "model.int8.onnx" }`. */
  variants: z.record(z.string(), z.string()).optional(),
  /**
   * Set when tokenizer.json only stands in for the real model's (a replica generated without
   * it): token counts, and so latency per query, differ from the real model's. Results carry it.
   */
  tokenizerStandIn: z
    .object({
      /** The real model's tokenizer and why it was not used. */
      reason: z.string().min(1),
      /**
       * Mean tokens per XQuAD-R question (query prefix and special tokens included), per language:
       * the stand-in's, and the real tokenizer's where known (null: not known here).
       */
      tokensPerQuestion: z.record(z.string(), z.object({ standIn: z.number().positive(), real: z.number().positive().nullable() }).strict()),
    })
    .strict()
    .optional(),
};

/**
 * What the engine knows about a model folder: every field filled, by `manifest.json` or inferred
 * from the folder's own files (`model-folder.ts`). Results embed it, so a report says exactly how
 * a model was run.
 */
export const ModelManifestSchema = z
  .object({
    ...fields,
    prefixes: z.object(PrefixesShape).default({ query: '', passage: '' }),
    /**
     * ONNX input names the encoder feeds; they must cover every graph input. `tokenTypeIds` when the
     * graph has such an input (BERT-style exports): zeros, and ones for a candidate's paragraph.
     */
    inputs: z
      .object({ inputIds: InputsShape.inputIds.default('input_ids'), attentionMask: InputsShape.attentionMask.default('attention_mask'), tokenTypeIds: InputsShape.tokenTypeIds.optional() })
      .default({ inputIds: 'input_ids', attentionMask: 'attention_mask' }),
  })
  .strict();

export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/**
 * `manifest.json`: only what cannot be inferred from the folder's files, or what should override
 * them. Every field is optional; a full manifest (the bundled models') is still valid.
 */
export const ManifestFileSchema = z
  .object({ ...fields, prefixes: z.object(PrefixesShape).partial().strict(), inputs: z.object(InputsShape).partial().strict() })
  .partial()
  .strict();

export type ManifestFile = z.infer<typeof ManifestFileSchema>;
