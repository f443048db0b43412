import type { InferenceSession } from 'onnxruntime-node';
import { XlirError } from '../errors.ts';
import { issueLines } from '../schema-issues.ts';
import { ModelManifestSchema, type ModelManifest } from './manifest.ts';
import type { GraphSignature } from './manifest-vs-graph.ts';
import type { FolderProblem, ModelFolder, Sourced } from './model-folder.ts';

/** Output names that carry a sentence vector ([batch, dim]) or token states ([batch, seq, hidden]), in order of preference. */
const SENTENCE_OUTPUTS = ['sentence_embedding', 'sentence_embeddings', 'pooler_output_normalized'];
const TOKEN_OUTPUTS = ['last_hidden_state', 'token_embeddings'];
const STANDARD_INPUTS = { inputIds: 'input_ids', attentionMask: 'attention_mask', tokenTypeIds: 'token_type_ids' } as const;

export interface CompletedManifest {
  manifest: ModelManifest;
  /** Where each field came from. */
  sources: Record<string, string>;
  notes: string[];
}

const rank = (meta: InferenceSession.ValueMetadata) => (meta.isTensor ? meta.shape.length : 0);

/**
 * The fields only the graph can settle, then the whole manifest: inputs (the standard names the
 * graph has, `token_type_ids` included), the output (a sentence vector when the graph has one, so
 * pooling and Dense layers inside it are not applied twice; else the token states), pooling, Dense
 * layers, width. Throws MODEL_CONFIG_MISSING listing what neither the files nor the graph say.
 */
export function completeManifest(folder: ModelFolder, graph: GraphSignature): CompletedManifest {
  const known: Record<string, Sourced<unknown> | undefined> = { ...folder.known };
  const notes = [...folder.notes];
  const problems: FolderProblem[] = [];
  const file = folder.manifestFile;
  const set = (key: string, value: unknown, from: string) => {
    if (known[key] === undefined) known[key] = { value, from };
  };

  // Inputs: what manifest.json names, else the standard name (token type ids only when the graph has them).
  const graphInputs = new Set(graph.inputMetadata.map((m) => m.name));
  const declared = file?.inputs ?? {};
  const inputs: Record<string, string> = {};
  for (const [key, standard] of Object.entries(STANDARD_INPUTS) as [keyof typeof STANDARD_INPUTS, string][]) {
    const name = declared[key] ?? (key !== 'tokenTypeIds' || graphInputs.has(standard) ? standard : undefined);
    if (name !== undefined) inputs[key] = name;
  }
  known.inputs = { value: inputs, from: Object.keys(declared).length > 0 ? 'manifest.json and the graph' : "the graph's input names" };

  // Output: the manifest's, else a sentence vector, else token states, else the only output.
  if (known.output === undefined) {
    const byName = (names: string[]) => names.map((n) => graph.outputMetadata.find((m) => m.name === n)).find((m) => m !== undefined);
    const chosen = byName(SENTENCE_OUTPUTS) ?? byName(TOKEN_OUTPUTS) ?? (graph.outputMetadata.length === 1 ? graph.outputMetadata[0] : undefined);
    if (chosen) set('output', chosen.name, `the graph (output "${chosen.name}")`);
    else problems.push({ code: 'MODEL_CONFIG_MISSING', problem: `The graph has ${graph.outputMetadata.length} outputs (${graph.outputMetadata.map((m) => m.name).join(', ')}) and none is a known sentence or token output.`, fix: 'Name the output to read in manifest.json: "output": "NAME".' });
  }
  const outputMeta = graph.outputMetadata.find((m) => m.name === known.output?.value);
  const sentenceVector = outputMeta !== undefined && rank(outputMeta) === 2;
  const modules = folder.modules;

  if (sentenceVector) {
    set('pooling', 'none', `the graph (output "${outputMeta.name}" is [batch, dimension])`);
    if (modules && (modules.dense.length > 0 || modules.unsupported.length > 0 || modules.pooling)) {
      notes.push(`modules after the transformer (pooling, Dense, …) are taken to be inside the graph's "${outputMeta.name}", so the engine applies none of them`);
    }
  } else {
    if (modules?.pooling) set('pooling', modules.pooling.value, modules.pooling.from);
    else if (known.pooling === undefined) {
      set('pooling', 'mean', 'assumed: mean pooling (sentence-transformers\' default for a plain transformer)');
      notes.push('pooling: "mean" (assumed: no 1_Pooling/config.json; sentence-transformers\' default for a plain transformer)');
    }
    if (modules && modules.dense.length > 0 && known.dense === undefined) set('dense', modules.dense, 'modules.json (Dense)');
    if (modules && modules.unsupported.length > 0 && file?.pooling === undefined) {
      problems.push({
        code: 'MODULE_UNSUPPORTED',
        problem: `The engine cannot reproduce: ${modules.unsupported.join('; ')}.`,
        fix: 'Export the whole sentence-transformers model to ONNX (optimum-cli export onnx --library sentence_transformers writes a "sentence_embedding" output that contains it), or state pooling in manifest.json.',
      });
    }
  }

  if (known.dimension === undefined) {
    const dense = known.dense?.value as ModelManifest['dense'];
    const last = outputMeta?.isTensor ? outputMeta.shape.at(-1) : undefined;
    if (dense && dense.length > 0) set('dimension', dense[dense.length - 1].outFeatures, `${dense[dense.length - 1].path}/config.json out_features`);
    else if (typeof last === 'number') set('dimension', last, `the graph (output "${outputMeta!.name}")`);
    else if (folder.configHiddenSize !== undefined) set('dimension', folder.configHiddenSize, 'config.json hidden_size');
    else if (modules?.poolingWidth !== undefined) set('dimension', modules.poolingWidth, 'the pooling config (word_embedding_dimension)');
    else problems.push({ code: 'MODEL_CONFIG_MISSING', problem: 'The embedding width is stated nowhere (the graph leaves it symbolic and there is no config.json hidden_size).', fix: 'Add "dimension": N to manifest.json.' });
  }

  if (problems.length > 0) {
    throw new XlirError(problems[0].code, `${folder.dir}: ${problems.map((p) => `${p.problem} Fix: ${p.fix}`).join('\n')}`);
  }
  const values = Object.fromEntries(Object.entries(known).flatMap(([key, v]) => (v === undefined ? [] : [[key, v.value]])));
  const parsed = ModelManifestSchema.safeParse(values);
  if (!parsed.success) {
    // Everything above is typed; this catches an inferred value outside the manifest's limits.
    throw new XlirError('MODEL_CONFIG_INVALID', `${folder.dir}: the inferred manifest is not valid: ${issueLines(parsed.error, '(manifest)').join('; ')}. Set those fields in manifest.json.`);
  }
  const sources = Object.fromEntries(Object.entries(known).flatMap(([key, v]) => (v === undefined ? [] : [[key, v.from]])));
  return { manifest: parsed.data, sources, notes };
}
