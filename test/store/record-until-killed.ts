// Child process of run-recorder.test.ts: records batches of samples into the history given as
// argv[2] until it is killed, printing how many samples each committed batch brings the total to.
import { RunConfigSchema } from '../../main/engine/run/run-config.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { startRecording } from '../../main/store/run-recorder.ts';
import { syntheticMachine } from './synthetic-result.ts';

const history = openHistory({ file: process.argv[2] });
const recorder = startRecording(history.db, { config: RunConfigSchema.parse({ models: ['/models/a', '/models/b'] }), machine: syntheticMachine() });
process.stdout.write(`run ${recorder.runId}\n`);
const seq = { a: 0, b: 0 };
for (let batch = 0; ; batch++) {
  const model = batch % 2 === 0 ? 'a' : 'b';
  const samples = Array.from({ length: 50 }, () => {
    const s = seq[model]++;
    return { seq: s, queryIndex: s, lang: 'en', tokens: 9, tokenizeMs: 0.1, encodeMs: 2 + (s % 7), searchMs: 0.2, totalMs: 2.4 + (s % 7), startMs: s * 3 };
  });
  recorder.record({ type: 'latency', model, scenario: 'single-stream', phase: 'measure', samples, progress: { done: seq[model], target: 1e9, elapsedMs: 0, etaMs: null }, live: null });
  process.stdout.write(`committed ${seq.a + seq.b}\n`);
  await new Promise((resolve) => setTimeout(resolve, 2));
}
