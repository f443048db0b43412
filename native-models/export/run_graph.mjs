// Runs an ONNX graph of the engine's kind on one right-padded batch, for tests that compare it with
// a reference: stdin {"model": PATH, "ids": [[...], ...], "pad": ID} as JSON; stdout
// {"NAME": {"dims": [...], "data": [...]}} for every output.
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';

const { model, ids, pad } = JSON.parse(readFileSync(0, 'utf8'));
const seq = Math.max(...ids.map((row) => row.length));
const inputIds = new BigInt64Array(ids.length * seq).fill(BigInt(pad));
const mask = new BigInt64Array(ids.length * seq);
ids.forEach((row, i) => row.forEach((id, j) => { inputIds[i * seq + j] = BigInt(id); mask[i * seq + j] = 1n; }));
const session = await ort.InferenceSession.create(model);
const outputs = await session.run({
  input_ids: new ort.Tensor('int64', inputIds, [ids.length, seq]),
  attention_mask: new ort.Tensor('int64', mask, [ids.length, seq]),
});
const result = {};
for (const [name, tensor] of Object.entries(outputs)) result[name] = { dims: tensor.dims, data: Array.from(tensor.data) };
process.stdout.write(JSON.stringify(result));
await session.release();
