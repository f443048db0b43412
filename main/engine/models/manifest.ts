import { z } from 'zod';

/**
 * `manifest.json` in a model folder. A model folder holds `model.onnx`, `tokenizer.json` and this
 * manifest; `loadModel(dir)` checks it against the ONNX graph before anything runs.
 */
export const ModelManifestSchema = z
  .object({
    /** Folder-independent name shown in reports, e.g. `xlir-mini-hybrid`. */
    name: z.string().min(1).max(120).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-" only'),
    /** Architecture family, e.g. `xlm-roberta-base`, `labse`, `xlir-mini`. */
    family: z.string().min(1),
    /**
     * `baseline` and `hybrid` are trained checkpoints of one architecture; a `replica` has the
     * architecture of a real encoder with random weights: its latency is real, its quality is not.
     */
    checkpoint: z.enum(['baseline', 'hybrid', 'replica']),
    /** How token states become one vector; `none` when the graph already outputs a sentence vector. */
    pooling: z.enum(['mean', 'cls', 'none']),
    /** L2-normalise the pooled vector (inner product then equals cosine). */
    normalize: z.boolean(),
    /** Longest input in tokens, special tokens included; longer inputs are truncated. */
    maxLength: z.number().int().min(2).max(8192),
    prefixes: z.object({ query: z.string(), passage: z.string() }).default({ query: '', passage: '' }),
    /**
     * ONNX input names the encoder feeds; they must cover every graph input. Declare `tokenTypeIds`
     * when the graph has such an input (BERT-style exports): it is fed as zeros.
     */
    inputs: z
      .object({
        inputIds: z.string().default('input_ids'),
        attentionMask: z.string().default('attention_mask'),
        tokenTypeIds: z.string().optional(),
      })
      .default({ inputIds: 'input_ids', attentionMask: 'attention_mask' }),
    /** The ONNX output read: `[batch, seq, dim]` when pooling is mean/cls, `[batch, dim]` when none. */
    output: z.string().min(1),
    dimension: z.number().int().positive(),
    licence: z.string().min(1),
    provenance: z.string().min(1),
    /** Optional precision variants in the same folder, e.g. `{ "int8": "model.int8.onnx" }`. */
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
  })
  .strict();

export type ModelManifest = z.infer<typeof ModelManifestSchema>;
