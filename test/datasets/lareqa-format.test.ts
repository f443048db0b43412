import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { XlirError } from '../../main/engine/errors.ts';
import { parseLareqaFile } from '../../main/engine/datasets/lareqa-format.ts';
import { loadXquadR } from '../../main/engine/datasets/xquad-r.ts';
import { lareqaFile, lareqaParagraph, tempDir, writeLanguageFiles } from './lareqa-fixture.ts';

async function xlirError(promise: Promise<unknown>): Promise<XlirError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(XlirError);
  return err as XlirError;
}

const en = lareqaFile([
  [
    { sentences: ['The cat sat.', 'It was happy.'], questions: [['q1', 'Where did the cat sit?', 0]] },
    { sentences: ['Dogs bark.'], questions: [['q2', 'What do dogs do?', 0]] },
  ],
  [{ sentences: ['Birds fly.', 'Fish swim.'], questions: [['q3', 'What do fish do?', 1]] }],
]);
const de = lareqaFile([
  [
    { sentences: ['Die Katze saß.', 'Sie war froh.'], questions: [['q1', 'Wo saß die Katze?', 0]] },
    { sentences: ['Hunde bellen.', 'Laut.'], questions: [['q2', 'Was tun Hunde?', 0]] },
  ],
  [{ sentences: ['Vögel fliegen.', 'Fische schwimmen.'], questions: [['q3', 'Was tun Fische?', 1]] }],
]);

describe('LAReQA format (XQuAD-R / MLQA-R files)', () => {
  it('numbers paragraphs across the whole file and links each question to its answer sentence in every language', async () => {
    const dir = tempDir('lareqa');
    writeLanguageFiles(dir, 'xquad-r', { en, de });
    const dataset = await loadXquadR(dir, ['en', 'de']);
    expect(dataset.languages).toEqual(['de', 'en']);
    expect(dataset.candidates.filter((c) => c.lang === 'en').map((c) => c.id)).toEqual(['en_0_0', 'en_0_1', 'en_1_0', 'en_2_0', 'en_2_1']);
    expect(dataset.candidates.find((c) => c.id === 'de_1_1')?.text).toBe('Laut.');
    expect(dataset.queries.find((q) => q.id === 'en_q3')).toEqual({ id: 'en_q3', lang: 'en', text: 'What do fish do?', group: 'q3', relevant: ['de_2_1', 'en_2_1'] });
    expect(dataset.queries.map((q) => q.id)).toEqual(['de_q1', 'de_q2', 'de_q3', 'en_q1', 'en_q2', 'en_q3']);
    expect(dataset.files.map((f) => path.basename(f.path))).toEqual(['de.json', 'en.json']);
    expect(dataset.files[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes candidate text from sentence_breaks, not sentences, and strips whitespace and U+FEFF', () => {
    const paragraph = lareqaParagraph({ sentences: ['\uFEFFFirst one. ', ' Second one.'], questions: [['q', 'Which?', 1]] });
    paragraph.sentences = ['something else', 'entirely'];
    const parsed = parseLareqaFile(JSON.stringify({ data: [{ paragraphs: [paragraph] }] }), 'x.json', 'tr');
    expect(parsed.candidates.map((c) => c.text)).toEqual(['First one.', 'Second one.']);
    // Each candidate carries its paragraph as the file has it: LAReQA's reference encodes (sentence, context).
    expect(parsed.candidates.map((c) => c.context)).toEqual([paragraph.context, paragraph.context]);
    expect(parsed.questions).toEqual([{ id: 'q', text: 'Which?', answerCandidateId: 'tr_0_1' }]);
  });

  it('reads offsets as code points, as Python wrote them, where a context has characters outside the BMP', () => {
    // "😀" is one code point but two UTF-16 units: naive slicing would shift the second sentence.
    const context = '😀 Emoji first. Second sentence.';
    const file = { data: [{ paragraphs: [{ context, sentence_breaks: [[0, 14], [15, 31]], qas: [{ id: 'q', question: 'Q?', answers: [{ answer_start: 15 }] }] }] }] };
    const parsed = parseLareqaFile(JSON.stringify(file), 'x.json', 'en');
    expect(parsed.candidates.map((c) => c.text)).toEqual(['😀 Emoji first.', 'Second sentence.']);
    expect(parsed.questions[0].answerCandidateId).toBe('en_0_1');
  });

  it('says a cut-off file is not valid JSON, probably truncated, with the position', async () => {
    const dir = tempDir('lareqa-truncated');
    const text = JSON.stringify(de);
    writeLanguageFiles(dir, 'xquad-r', { en, de: text.slice(0, Math.floor(text.length / 2)) });
    const err = await xlirError(loadXquadR(dir, ['en', 'de']));
    expect(err.code).toBe('DATASET_INVALID');
    expect(err.message).toMatch(/xquad-r\/de\.json is not valid JSON \(truncated\?\): .* at position \d+/);
  });

  it('names the file and JSON path of a missing sentence_breaks', async () => {
    const broken = structuredClone(en) as { data: { paragraphs: Record<string, unknown>[] }[] };
    delete broken.data[1].paragraphs[0].sentence_breaks;
    const dir = tempDir('lareqa-missing');
    writeLanguageFiles(dir, 'xquad-r', { en: broken });
    const err = await xlirError(loadXquadR(dir, ['en']));
    expect(err.message).toMatch(/xquad-r\/en\.json is not a LAReQA/);
    expect(err.message).toContain('$.data[1].paragraphs[0].sentence_breaks');
  });

  it('rejects an answer_start that lies in no sentence, naming the question', () => {
    const paragraph = lareqaParagraph({ sentences: ['One.', 'Two.'], questions: [['q9', 'Which?', 0]] });
    paragraph.qas[0].answers[0].answer_start = 4; // the space between the two breaks
    expect(() => parseLareqaFile(JSON.stringify({ data: [{ paragraphs: [paragraph] }] }), 'x.json', 'en')).toThrow(
      /x\.json: \$\.data\[0\]\.paragraphs\[0\]\.qas\[0\]\.answers\[0\]\.answer_start: 4 \(question "q9"\) lies in none/,
    );
  });

  it('rejects overlapping or out-of-range sentence_breaks and duplicate question ids', () => {
    const overlapping = lareqaParagraph({ sentences: ['One.', 'Two.'], questions: [] });
    overlapping.sentence_breaks[1] = [2, 9];
    expect(() => parseLareqaFile(JSON.stringify({ data: [{ paragraphs: [overlapping] }] }), 'x.json', 'en')).toThrow(/sentence_breaks\[1\]: \[2, 9\)/);
    const outside = lareqaParagraph({ sentences: ['One.'], questions: [] });
    outside.sentence_breaks[0] = [0, 99];
    expect(() => parseLareqaFile(JSON.stringify({ data: [{ paragraphs: [outside] }] }), 'x.json', 'en')).toThrow(/inside the 4-character context/);
    const twice = lareqaFile([[{ sentences: ['A.'], questions: [['q', 'A?', 0]] }, { sentences: ['B.'], questions: [['q', 'B?', 0]] }]]);
    expect(() => parseLareqaFile(JSON.stringify(twice), 'x.json', 'en')).toThrow(/paragraphs\[1\]\.qas\[0\]\.id: question id "q" appears twice \(also at \$\.data\[0\]\.paragraphs\[0\]\.qas\[0\]\)/);
  });

  it('requires XQuAD-R files to hold the same questions, naming the file that lacks one', async () => {
    const dir = tempDir('lareqa-parallel');
    const deShort = lareqaFile([[{ sentences: ['Die Katze saß.'], questions: [['q1', 'Wo?', 0]] }]]);
    writeLanguageFiles(dir, 'xquad-r', { en, de: deShort });
    const err = await xlirError(loadXquadR(dir, ['en', 'de']));
    expect(err.message).toMatch(/xquad-r\/de\.json lacks 2 question id\(s\) the other files have, e\.g\. "q2" \(in .*xquad-r\/en\.json\)/);
  });

  it('lists the available languages for an unknown one, and names a missing language file', async () => {
    const dir = tempDir('lareqa-langs');
    writeLanguageFiles(dir, 'xquad-r', { en });
    const unknown = await xlirError(loadXquadR(dir, ['en', 'xx']));
    expect(unknown.code).toBe('DATASET_UNKNOWN_LANGUAGE');
    expect(unknown.message).toContain('no language "xx"; available: ar, de, el, en, es, hi, ru, th, tr, vi, zh');
    const missing = await xlirError(loadXquadR(dir, ['en', 'de']));
    expect(missing.code).toBe('DATASET_FILE_MISSING');
    expect(missing.message).toMatch(/xquad-r\/de\.json not found: .*--langs/);
  });
});
