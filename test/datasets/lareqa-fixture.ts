// Builds tiny LAReQA-format files (SQuAD JSON + sentence_breaks) for tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `[questionId, questionText, index of the sentence holding the answer]` */
export type FixtureQuestion = [string, string, number];

export interface FixtureParagraph {
  sentences: string[];
  questions: FixtureQuestion[];
}

/** Sentences joined by one space; each answer starts on the second character of its sentence. */
export function lareqaParagraph({ sentences, questions }: FixtureParagraph) {
  const breaks: [number, number][] = [];
  let offset = 0;
  for (const sentence of sentences) {
    breaks.push([offset, offset + sentence.length]);
    offset += sentence.length + 1;
  }
  const context = sentences.join(' ');
  return {
    context,
    qas: questions.map(([id, question, s]) => ({ id, question, answers: [{ text: context.slice(breaks[s][0] + 1, breaks[s][0] + 3), answer_start: breaks[s][0] + 1 }] })),
    sentence_breaks: breaks,
    sentences,
  };
}

/** A whole file: one article per inner list of paragraphs. */
export function lareqaFile(articles: FixtureParagraph[][]) {
  return { version: '1.1', data: articles.map((paragraphs, i) => ({ title: `Article ${i}`, paragraphs: paragraphs.map(lareqaParagraph) })) };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `xlir-${prefix}-`));
}

/** Writes `{dir}/{folder}/{lang}.json` for each entry (a string is written as is, to make broken files). */
export function writeLanguageFiles(dir: string, folder: string, files: Record<string, unknown>): string {
  const target = path.join(dir, folder);
  mkdirSync(target, { recursive: true });
  for (const [lang, content] of Object.entries(files)) {
    writeFileSync(path.join(target, `${lang}.json`), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return target;
}
