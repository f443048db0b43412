import type { InferenceSession } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ModelManifestSchema } from '../../main/engine/models/manifest.ts';
import { manifestGraphProblems } from '../../main/engine/models/manifest-vs-graph.ts';

const manifest = (overrides: Record<string, unknown> = {}) =>
  ModelManifestSchema.parse({
    name: 'm', family: 'f', checkpoint: 'replica', pooling: 'mean', normalize: true, maxLength: 8,
    output: 'last_hidden_state', dimension: 4, licence: 'MIT', provenance: 'test', ...overrides,
  });
const tensor = (name: string, type: InferenceSession.TensorValueMetadata['type'], shape: (number | string)[]): InferenceSession.ValueMetadata => ({ name, isTensor: true, type, shape });
const bertInputs = [tensor('input_ids', 'int64', ['b', 's']), tensor('attention_mask', 'int64', ['b', 's'])];
const hiddenOutput = [tensor('last_hidden_state', 'float32', ['b', 's', 4])];

describe('manifestGraphProblems', () => {
  it('finds nothing wrong when manifest and graph agree', () => {
    expect(manifestGraphProblems(manifest(), { inputMetadata: bertInputs, outputMetadata: hiddenOutput })).toEqual([]);
  });

  it('asks for tokenTypeIds to be declared when the graph has token_type_ids', () => {
    const problems = manifestGraphProblems(manifest(), { inputMetadata: [...bertInputs, tensor('token_type_ids', 'int64', ['b', 's'])], outputMetadata: hiddenOutput });
    expect(problems).toEqual([expect.stringContaining('add "tokenTypeIds": "token_type_ids"')]);
    const declared = manifest({ inputs: { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' } });
    expect(manifestGraphProblems(declared, { inputMetadata: [...bertInputs, tensor('token_type_ids', 'int64', ['b', 's'])], outputMetadata: hiddenOutput })).toEqual([]);
  });

  it('rejects inputs that are not int64', () => {
    const problems = manifestGraphProblems(manifest(), { inputMetadata: [tensor('input_ids', 'int32', ['b', 's']), bertInputs[1]], outputMetadata: hiddenOutput });
    expect(problems).toEqual([expect.stringMatching(/input "input_ids" is int32.*int64/)]);
  });

  it('accepts pooling "none" on a [batch, dim] output and rejects it on rank 3', () => {
    const sentence = [tensor('sentence_embedding', 'float32', ['b', 4])];
    expect(manifestGraphProblems(manifest({ pooling: 'none', output: 'sentence_embedding' }), { inputMetadata: bertInputs, outputMetadata: sentence })).toEqual([]);
    expect(manifestGraphProblems(manifest({ pooling: 'none' }), { inputMetadata: bertInputs, outputMetadata: hiddenOutput })).toEqual([expect.stringContaining('needs rank 2')]);
  });

  it('rejects float16 outputs and leaves symbolic or unstated shapes to the run-time check', () => {
    expect(manifestGraphProblems(manifest(), { inputMetadata: bertInputs, outputMetadata: [tensor('last_hidden_state', 'float16', ['b', 's', 4])] })).toEqual([
      expect.stringContaining('reads float32'),
    ]);
    expect(manifestGraphProblems(manifest(), { inputMetadata: bertInputs, outputMetadata: [tensor('last_hidden_state', 'float32', ['b', 's', 'hidden'])] })).toEqual([]);
    expect(manifestGraphProblems(manifest(), { inputMetadata: bertInputs, outputMetadata: [tensor('last_hidden_state', 'float32', [])] })).toEqual([]);
  });

  it('lists every problem at once', () => {
    const problems = manifestGraphProblems(manifest({ output: 'pooled', inputs: { inputIds: 'ids', attentionMask: 'attention_mask' } }), { inputMetadata: bertInputs, outputMetadata: hiddenOutput });
    expect(problems).toHaveLength(3); // unknown input, unfed graph input, unknown output
  });
});
