// Tokenizer parity and the tokenize stage's cost, before and after the engine's reference
// normalisers (main/engine/models/hf-tokenizer.ts), measured side by side in one run:
// - "before": @huggingface/tokenizers as it reads tokenizer.json; "after": as the engine loads it;
// - mismatches per language against the Rust `tokenizers` core (the Hugging Face reference) over
//   every XQuAD-R question and candidate;
// - the tokenize stage (prefix, encode, truncate, pad: one question per call, as single-stream
//   issues them) over all XQuAD-R questions, before and after in alternating rounds (ABBA) so that
//   drift hits both alike. Last line per tokenizer: tokenize_ratio_<name>=p50 after / p50 before.
//   node bench/tokenizer-parity.ts [--data-dir DIR] [--rounds 10]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer as LibraryTokenizer } from '@huggingface/tokenizers';
import { formatTable } from '../main/cli/terminal.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import { summarize } from '../main/engine/latency/summary.ts';
import type { HfTokenizer } from '../main/engine/models/hf-tokenizer/create-hf-tokenizer.ts';
import { createTextTokenizer, loadTokenizer, type TextTokenizer } from '../main/engine/models/tokenizer.ts';
import { compareWithReference, defaultDataDir, PARITY_MANIFEST, PARITY_TOKENIZERS, xquadRTexts } from '../test/models/tokenizer-reference.ts';

const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, rounds: { type: 'string', default: '10' } } });
const rounds = Number(values.rounds);
const texts = await xquadRTexts(values['data-dir'] ?? defaultDataDir());
// Questions only (1,190 per language), interleaved across languages so each round mixes them.
const questions = [...texts.values()].map((list) => list.slice(0, 1190));
const timed = questions[0].flatMap((_, i) => questions.map((list) => list[i]));
const clock = createSystemClock();

function timeRound(tokenizer: TextTokenizer, from: number, count: number, into: number[]): void {
  for (let i = from; i < from + count; i++) {
    const t0 = clock.nowMs();
    tokenizer.tokenize([timed[i]], 'query');
    into.push(clock.nowMs() - t0);
  }
}

const ratios: string[] = [];
for (const [name, dir] of Object.entries(PARITY_TOKENIZERS)) {
  const file = path.join(dir, 'tokenizer.json');
  const after = await loadTokenizer(dir, PARITY_MANIFEST);
  const library = new LibraryTokenizer(JSON.parse(readFileSync(file, 'utf8')), {}) as unknown as HfTokenizer;
  const before = createTextTokenizer(library, PARITY_MANIFEST, after.padId, after.trailingSpecialTokens);

  const parity = { before: await compareWithReference(file, before, texts), after: await compareWithReference(file, after, texts) };
  const languages = Object.keys(parity.after.mismatches);
  console.log(`\n${name} (${file}): texts whose ids differ from the Rust tokenizers core`);
  console.log(
    formatTable(
      ['', ...languages, 'all'],
      (['before', 'after'] as const).map((when) => {
        const counts = languages.map((lang) => parity[when].mismatches[lang]);
        return [when, ...counts, counts.reduce((a, b) => a + b, 0)];
      }),
    ),
  );

  const samples = { before: [] as number[], after: [] as number[] };
  timeRound(before, 0, 200, []); // warm-up: JIT and the normalisers' caches
  timeRound(after, 0, 200, []);
  const perRound = Math.floor(timed.length / rounds);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['before', 'after'] as const) : (['after', 'before'] as const);
    for (const when of order) timeRound(when === 'before' ? before : after, r * perRound, perRound, samples[when]);
  }
  const summary = { before: summarize(samples.before), after: summarize(samples.after) };
  const row = (when: 'before' | 'after') => [when, summary[when].count, (summary[when].p50Ms * 1000).toFixed(1), (summary[when].meanMs * 1000).toFixed(1), (summary[when].p99Ms * 1000).toFixed(1)];
  console.log(`tokenize stage, one XQuAD-R question per call, ${rounds} alternating rounds of ${perRound}`);
  console.log(formatTable(['', 'n', 'p50 µs', 'mean µs', 'p99 µs'], [row('before'), row('after')]));
  console.log(`mean ratio ${(summary.after.meanMs / summary.before.meanMs).toFixed(3)}`);
  ratios.push(`tokenize_ratio_${name}=${(summary.after.p50Ms / summary.before.p50Ms).toFixed(3)}`);
}
console.log(`\n${ratios.join('\n')}`);
