import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startBenchmark } from '../../main/engine/run/benchmark-job.ts';
import { tempDir } from '../datasets/lareqa-fixture.ts';
import { quickConfig, tinyModelCopy } from './fixtures.ts';

const fast = { lexicalFloor: false, roofline: false, scenario: { kind: 'single-stream' as const, warmupQueries: 0, minQueries: 2, minDurationMs: 0 } };

describe('candidate input: the sentence alone or with its paragraph', () => {
  it('encodes candidates with their paragraph when asked, records it, and ranks differently', async () => {
    const model = tinyModelCopy({ name: 'tiny-context' });
    const alone = await startBenchmark(quickConfig([model], fast)).result;
    const withParagraph = await startBenchmark(quickConfig([model], { ...fast, candidateContext: 'paragraph' })).result;
    expect(alone.models[0].candidateContext).toBe('none');
    expect(withParagraph.models[0].candidateContext).toBe('paragraph');
    expect(withParagraph.config.candidateContext).toBe('paragraph');
    expect(withParagraph.models[0].quality!.multilingual.map).not.toBe(alone.models[0].quality!.multilingual.map);
  });

  it('takes the model\'s manifest field when the run does not say', async () => {
    const model = tinyModelCopy({ name: 'tiny-manifest-context', candidateContext: 'paragraph' });
    const result = await startBenchmark(quickConfig([model], { ...fast, quality: false })).result;
    expect(result.models[0].candidateContext).toBe('paragraph');
  });

  it('fails before encoding when the dataset gives no paragraphs', async () => {
    const dir = path.join(tempDir('no-context'), 'set');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'queries.jsonl'), '{"id": "q", "lang": "en", "text": "Who?"}\n');
    writeFileSync(path.join(dir, 'candidates.jsonl'), '{"id": "c", "lang": "en", "text": "Him."}\n');
    writeFileSync(path.join(dir, 'qrels.jsonl'), '{"query": "q", "candidate": "c"}\n');
    const job = startBenchmark(quickConfig([tinyModelCopy({ name: 'tiny' })], { ...fast, dataset: { name: 'custom', path: dir }, candidateContext: 'paragraph' }));
    await expect(job.result).rejects.toMatchObject({ code: 'DATASET_NO_CONTEXT', message: expect.stringContaining('candidates.jsonl "context"') });
  });
});
