// A system under test in its own process, for bench/aa-harness.ts's `childProcessSystem`: loads
// one model, the workload and the pool's embeddings, then measures a single-stream block on each
// request, with its own clock, and sends the block back.
import { readFile } from 'node:fs/promises';
import { loadDataset } from '../main/engine/datasets/registry.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import { runSingleStream } from '../main/engine/latency/single-stream.ts';
import { loadModel } from '../main/engine/models/load-model.ts';
import type { OnnxEncoder } from '../main/engine/models/onnx-encoder.ts';
import { CandidateIndex } from '../main/engine/retrieval/exact-search.ts';
import { RetrievalQueryProcessor } from '../main/engine/run/retrieval-processor.ts';

let encoder: OnnxEncoder | undefined;
let processor: RetrievalQueryProcessor | undefined;
const clock = createSystemClock();

process.on('message', async (message: { type: string; dir?: string; dataDir?: string; candidatesFile?: string; session?: object; options?: object }) => {
  try {
    if (message.type === 'load') {
      const { dataset } = await loadDataset({ name: 'xquad-r', dataDir: message.dataDir!, langs: ['en', 'de'], maxQueries: 100, seed: 1 });
      encoder = await loadModel(message.dir!, message.session);
      const bytes = await readFile(message.candidatesFile!);
      const candidates = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
      processor = new RetrievalQueryProcessor(encoder, dataset.queries, new CandidateIndex(candidates, encoder.dimension));
      process.send!({ type: 'loaded' });
    } else if (message.type === 'block') {
      const { warmup, measureStartMs, durationMs, samples } = await runSingleStream(processor!, { ...(message.options as object), clock } as Parameters<typeof runSingleStream>[1]);
      process.send!({ type: 'block', measurement: { warmup, measureStartMs, durationMs, samples } });
    } else if (message.type === 'exit') {
      await encoder?.dispose();
      process.disconnect();
    }
  } catch (err) {
    process.send!({ type: 'error', message: (err as Error).stack ?? String(err) });
  }
});
