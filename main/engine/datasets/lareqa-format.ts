import { z } from 'zod';
import { XlirError } from '../errors.ts';
import { describeIssues, jsonPath, parseJsonText, readDataFiles, type DataFileRecord } from './data-file.ts';
import type { Candidate, Query, RetrievalDataset } from './retrieval-dataset.ts';

/*
 * The format LAReQA publishes XQuAD-R and MLQA-R in, one file per language: SQuAD v1.1 JSON
 * (`{data: [{title, paragraphs: [{context, qas: [{id, question, answers: [{answer_start, text}]}]}]}]}`)
 * plus, per paragraph, `sentence_breaks` (`[start, end)` offsets into `context`) and `sentences`.
 *
 * Candidates come from `sentence_breaks`, never `sentences`: the two disagree in XQuAD-R's Turkish
 * file, and the answer offsets are defined against `context`. `sentences` is therefore not read.
 *
 * Ids: candidate `{lang}_{paragraphIndex}_{sentenceIndex}`, where paragraphIndex counts the
 * paragraphs of the whole file, 0-based in file order (across articles), and sentenceIndex is the
 * position in that paragraph's `sentence_breaks`; query `{lang}_{questionId}`, group = question id.
 */

const BreakSchema = z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]);

const LareqaFileSchema = z.object({
  data: z.array(
    z.object({
      paragraphs: z.array(
        z.object({
          context: z.string(),
          sentence_breaks: z.array(BreakSchema),
          qas: z.array(
            z.object({
              id: z.string().min(1),
              question: z.string(),
              answers: z.array(z.object({ answer_start: z.number().int().nonnegative() })).min(1),
            }),
          ),
        }),
      ),
    }),
  ),
});

/** One question of one language file, with the candidate holding its answer. */
export interface LareqaQuestion {
  id: string;
  text: string;
  answerCandidateId: string;
}

/** What one language file contributes. */
export interface LareqaLanguage {
  lang: string;
  file: string;
  candidates: Candidate[];
  questions: LareqaQuestion[];
}

/**
 * Maps offsets counted in code points (Python's `str` indices, which SQuAD-style files use) to
 * JavaScript's UTF-16 indices. They differ only where a context holds characters outside the BMP
 * (none in XQuAD-R; possible in other data), so the common case is the identity.
 */
function codePointOffsets(context: string): { length: number; toUtf16: (offset: number) => number } {
  if (!/[\uD800-\uDFFF]/.test(context)) return { length: context.length, toUtf16: (offset) => offset };
  const starts: number[] = [];
  for (let i = 0; i < context.length; i++) {
    starts.push(i);
    const unit = context.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < context.length) i++;
  }
  starts.push(context.length);
  return { length: starts.length - 1, toUtf16: (offset) => starts[offset] };
}

/** Parses one language file (already read) into candidates and questions; `file` names it in errors. */
export function parseLareqaFile(text: string, file: string, lang: string): LareqaLanguage {
  const parsed = LareqaFileSchema.safeParse(parseJsonText(text, file));
  if (!parsed.success) {
    throw new XlirError('DATASET_INVALID', `${file} is not a LAReQA (SQuAD + sentence_breaks) file:\n${describeIssues(parsed.error)}`);
  }
  const fail = (path: PropertyKey[], what: string): never => {
    throw new XlirError('DATASET_INVALID', `${file}: ${jsonPath(path)}: ${what}`);
  };
  const candidates: Candidate[] = [];
  const questions: LareqaQuestion[] = [];
  const seenQuestions = new Map<string, string>();
  let paragraphIndex = 0;
  parsed.data.data.forEach((article, a) => {
    article.paragraphs.forEach((paragraph, p) => {
      const at = ['data', a, 'paragraphs', p];
      const offsets = codePointOffsets(paragraph.context);
      let previousEnd = 0;
      const ids = paragraph.sentence_breaks.map(([start, end], s) => {
        if (start < previousEnd || end <= start || end > offsets.length) {
          fail([...at, 'sentence_breaks', s], `[${start}, ${end}) is not a non-empty range after the previous sentence and inside the ${offsets.length}-character context.`);
        }
        previousEnd = end;
        // trim() also removes U+FEFF: some contexts start with a byte-order mark.
        const sentence = paragraph.context.slice(offsets.toUtf16(start), offsets.toUtf16(end)).trim();
        if (sentence === '') fail([...at, 'sentence_breaks', s], `[${start}, ${end}) holds only whitespace.`);
        const id = `${lang}_${paragraphIndex}_${s}`;
        // The paragraph as the file has it: LAReQA's reference encodes (sentence, context) pairs from it.
        candidates.push({ id, lang, text: sentence, context: paragraph.context });
        return id;
      });
      paragraph.qas.forEach((qa, q) => {
        const qaPath = [...at, 'qas', q];
        const earlier = seenQuestions.get(qa.id);
        if (earlier !== undefined) fail([...qaPath, 'id'], `question id "${qa.id}" appears twice (also at ${earlier}).`);
        seenQuestions.set(qa.id, jsonPath(qaPath));
        // SQuAD-style files may list several answers; XQuAD and MLQA have one. The first decides.
        const answerStart = qa.answers[0].answer_start;
        const sentence = paragraph.sentence_breaks.findIndex(([start, end]) => answerStart >= start && answerStart < end);
        if (sentence < 0) {
          fail([...qaPath, 'answers', 0, 'answer_start'], `${answerStart} (question "${qa.id}") lies in none of the paragraph's sentence_breaks.`);
        }
        questions.push({ id: qa.id, text: qa.question.trim(), answerCandidateId: ids[sentence] });
      });
      paragraphIndex++;
    });
  });
  return { lang, file, candidates, questions };
}

/**
 * Joins language files into one dataset: every question's `relevant` lists its answer candidate
 * in each loaded language that has the question (the same question id across files). With
 * `requireParallel`, a question missing from any loaded file is an error (XQuAD-R is fully
 * parallel, so a gap means a wrong or damaged file); without it (MLQA-R), gaps are normal.
 */
export function joinLanguages(name: string, languages: LareqaLanguage[], files: DataFileRecord[], requireParallel: boolean): RetrievalDataset {
  const answers = new Map<string, string[]>();
  for (const language of languages) {
    for (const question of language.questions) {
      const list = answers.get(question.id);
      if (list) list.push(question.answerCandidateId);
      else answers.set(question.id, [question.answerCandidateId]);
    }
  }
  if (requireParallel) {
    for (const language of languages) {
      const present = new Set(language.questions.map((q) => q.id));
      const missing = [...answers.keys()].filter((id) => !present.has(id));
      if (missing.length > 0) {
        const source = languages.find((l) => l.questions.some((q) => q.id === missing[0]));
        throw new XlirError(
          'DATASET_INVALID',
          `${language.file} lacks ${missing.length} question id(s) the other files have, e.g. "${missing[0]}" (in ${source?.file}). ` +
            `${name} is parallel: every language file must hold the same questions. Is one file from another release or damaged?`,
        );
      }
    }
  }
  const queries: Query[] = languages.flatMap((language) =>
    language.questions.map((q) => ({ id: `${language.lang}_${q.id}`, lang: language.lang, text: q.text, group: q.id, relevant: [...answers.get(q.id)!] })),
  );
  return {
    name,
    languages: languages.map((l) => l.lang),
    queries,
    candidates: languages.flatMap((l) => l.candidates),
    files,
  };
}

/** Reads and joins the given `{lang → file}` list, in that order. */
export async function loadLareqaFiles(
  name: string,
  files: { lang: string; file: string }[],
  options: { requireParallel: boolean; missingHint: string },
): Promise<RetrievalDataset> {
  const read = await readDataFiles(files.map(({ file }) => file), options.missingHint);
  const languages = files.map(({ lang, file }, i) => parseLareqaFile(read[i].text, file, lang));
  return joinLanguages(name, languages, read.map((r) => r.record), options.requireParallel);
}
