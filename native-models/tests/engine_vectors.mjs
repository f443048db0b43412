// The engine's own vectors for a model folder: loadModel (whatever the folder's layout), then
// tokenize and run as `xlir run` does. stdin {"model": DIR, "texts": [...], "kind": "query"|"passage"};
// stdout {"manifest": {...}, "sources": {...}, "vectors": [[...], ...]}.
import { readFileSync } from 'node:fs';
import { loadModel } from '../../main/engine/models/load-model.ts';

const { model, texts, kind } = JSON.parse(readFileSync(0, 'utf8'));
const encoder = await loadModel(model);
const flat = await encoder.run(encoder.tokenize(texts, kind));
const vectors = texts.map((_, i) => Array.from(flat.subarray(i * encoder.dimension, (i + 1) * encoder.dimension)));
process.stdout.write(JSON.stringify({ manifest: encoder.manifest, sources: encoder.inference.sources, vectors }));
await encoder.dispose();
