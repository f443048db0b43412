import type { InferenceSession } from 'onnxruntime-node';
import type { ModelManifest } from './manifest.ts';

/** The graph's declared inputs and outputs, as ONNX Runtime reports them after loading. */
export interface GraphSignature {
  inputMetadata: readonly InferenceSession.ValueMetadata[];
  outputMetadata: readonly InferenceSession.ValueMetadata[];
}

function describeShape(meta: InferenceSession.ValueMetadata): string {
  return meta.isTensor ? `${meta.type} [${meta.shape.join(', ')}]` : 'not a tensor';
}

/**
 * Every way the manifest disagrees with the graph, one line each (empty when they agree).
 * The manifest must name every graph input: the encoder feeds exactly those, so a graph input it
 * does not know (say `token_type_ids` left undeclared) is reported rather than guessed at.
 * A dimension the graph leaves symbolic is checked on each run instead.
 */
export function manifestGraphProblems(manifest: ModelManifest, graph: GraphSignature): string[] {
  const problems: string[] = [];
  const graphInputs = new Map(graph.inputMetadata.map((m) => [m.name, m]));
  const graphInputList = graph.inputMetadata.map((m) => `"${m.name}"`).join(', ') || 'none';
  const fed: [field: string, name: string | undefined][] = [
    ['inputs.inputIds', manifest.inputs.inputIds],
    ['inputs.attentionMask', manifest.inputs.attentionMask],
    ['inputs.tokenTypeIds', manifest.inputs.tokenTypeIds],
  ];
  const fedNames = new Set<string>();
  for (const [field, name] of fed) {
    if (name === undefined) continue;
    fedNames.add(name);
    const meta = graphInputs.get(name);
    if (!meta) problems.push(`${field} is "${name}", but the graph has no such input; graph inputs: ${graphInputList}`);
    else if (!meta.isTensor || meta.type !== 'int64') problems.push(`input "${name}" is ${describeShape(meta)}; the encoder feeds int64 tensors`);
  }
  for (const meta of graph.inputMetadata) {
    if (fedNames.has(meta.name)) continue;
    problems.push(
      /token_type/.test(meta.name) && manifest.inputs.tokenTypeIds === undefined
        ? `graph input "${meta.name}" is not fed: add "tokenTypeIds": "${meta.name}" to the manifest's inputs (it is fed as zeros)`
        : `graph input "${meta.name}" is not fed: the encoder feeds only input ids, attention mask and token type ids`,
    );
  }

  const output = graph.outputMetadata.find((m) => m.name === manifest.output);
  if (!output) {
    const found = graph.outputMetadata.map((m) => `"${m.name}"`).join(', ') || 'none';
    problems.push(`output is "${manifest.output}", but the graph has no such output; graph outputs: ${found}`);
    return problems;
  }
  if (!output.isTensor || output.type !== 'float32') {
    problems.push(`output "${output.name}" is ${describeShape(output)}; the encoder reads float32 tensors`);
    return problems;
  }
  const rank = manifest.pooling === 'none' ? 2 : 3;
  // An empty shape means the graph does not state it; the run checks the real tensor.
  if (output.shape.length > 0 && output.shape.length !== rank) {
    const wanted = rank === 3 ? '[batch, sequence, dimension]' : '[batch, dimension]';
    problems.push(`output "${output.name}" is ${describeShape(output)} (rank ${output.shape.length}); pooling "${manifest.pooling}" needs rank ${rank} ${wanted}`);
  }
  const last = output.shape.at(-1);
  const firstDense = manifest.dense?.[0];
  if (typeof last === 'number' && firstDense && last !== firstDense.inFeatures) {
    problems.push(`output "${output.name}" has last dimension ${last} (${describeShape(output)}); the Dense layer ${firstDense.path} takes ${firstDense.inFeatures}`);
  } else if (typeof last === 'number' && !firstDense && last !== manifest.dimension) {
    problems.push(`output "${output.name}" has last dimension ${last} (${describeShape(output)}); the manifest's dimension is ${manifest.dimension}`);
  }
  for (const [i, layer] of (manifest.dense ?? []).entries()) {
    const next = manifest.dense![i + 1];
    const wanted = next ? next.inFeatures : manifest.dimension;
    if (layer.outFeatures !== wanted) problems.push(`Dense layer ${layer.path} gives ${layer.outFeatures} values, but ${next ? `the next layer ${next.path} takes ${next.inFeatures}` : `the dimension is ${manifest.dimension}`}`);
  }
  return problems;
}
