// Checks a model folder the way the engine will use it, without the engine: the manifest parses
// with the engine's schema, the graph has the manifest's inputs and output, and (given a
// reference file of {text, ids, vector} cases written from torch) the tokenizer gives the same ids
// and onnxruntime-node, on one padded batch, gives the same pooled vectors.
// usage: node check_model_folder.mjs FOLDER [REFERENCE.json]   → prints a JSON summary, exit 1 on mismatch
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { createHfTokenizer } from '../../main/engine/models/hf-tokenizer/create-hf-tokenizer.ts';
import { ModelManifestSchema } from '../../main/engine/models/manifest.ts';

const [folder, referencePath] = process.argv.slice(2);
const manifest = ModelManifestSchema.parse(JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')));
const tokenizer = createHfTokenizer(JSON.parse(readFileSync(path.join(folder, 'tokenizer.json'), 'utf8')), {});
const session = await ort.InferenceSession.create(path.join(folder, 'model.onnx'));
const problems = [];
for (const name of [manifest.inputs.inputIds, manifest.inputs.attentionMask]) {
  if (!session.inputNames.includes(name)) problems.push(`graph has no input ${name}`);
}
if (!session.outputNames.includes(manifest.output)) problems.push(`graph has no output ${manifest.output}`);

let maxAbsDiff = null;
if (referencePath && problems.length === 0) {
  const cases = JSON.parse(readFileSync(referencePath, 'utf8')).cases;
  const ids = cases.map((c) => tokenizer.encode(c.text).ids);
  cases.forEach((c, i) => {
    if (JSON.stringify(ids[i]) !== JSON.stringify(c.ids)) problems.push(`ids differ for ${JSON.stringify(c.text)}`);
  });
  const seq = Math.max(...ids.map((r) => r.length));
  const inputIds = new BigInt64Array(cases.length * seq);
  const mask = new BigInt64Array(cases.length * seq);
  ids.forEach((row, i) => row.forEach((id, j) => { inputIds[i * seq + j] = BigInt(id); mask[i * seq + j] = 1n; }));
  const feeds = {
    [manifest.inputs.inputIds]: new ort.Tensor('int64', inputIds, [cases.length, seq]),
    [manifest.inputs.attentionMask]: new ort.Tensor('int64', mask, [cases.length, seq]),
  };
  const out = (await session.run(feeds))[manifest.output];
  const dim = manifest.dimension;
  maxAbsDiff = 0;
  cases.forEach((c, i) => {
    const v = new Float64Array(dim);
    if (manifest.pooling === 'none') {
      for (let d = 0; d < dim; d++) v[d] = out.data[i * dim + d];
    } else {
      const rows = manifest.pooling === 'cls' ? 1 : ids[i].length;
      for (let t = 0; t < rows; t++) for (let d = 0; d < dim; d++) v[d] += out.data[(i * seq + t) * dim + d] / rows;
    }
    const norm = manifest.normalize ? Math.hypot(...v) : 1;
    for (let d = 0; d < dim; d++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v[d] / norm - c.vector[d]));
  });
  if (maxAbsDiff > 1e-4) problems.push(`vectors differ from the reference by up to ${maxAbsDiff}`);
}
console.log(JSON.stringify({ folder, name: manifest.name, inputs: session.inputNames, outputs: session.outputNames, maxAbsDiff, problems }));
await session.release();
process.exit(problems.length ? 1 : 0);
