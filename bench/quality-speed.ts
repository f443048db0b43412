// Time of retrieval-quality evaluation at XQuAD-R's size, on synthetic unit embeddings: every
// query scored against every candidate once, all settings derived, then the paired bootstrap.
// Not a test (wall-clock time): prints what it measured.
//   node bench/quality-speed.ts [--dim 256] [--languages 11] [--questions 1190] [--pool 13014] [--resamples 2000]
import { parseArgs } from 'node:util';
import type { Candidate, Query } from '../main/engine/datasets/retrieval-dataset.ts';
import { createSystemClock } from '../main/engine/latency/clock.ts';
import { evaluateQuality } from '../main/engine/metrics/evaluate-quality.ts';
import { comparePairedQuality } from '../main/engine/metrics/paired-bootstrap.ts';
import { createRng } from '../main/engine/random/seeded.ts';

const { values } = parseArgs({
  options: {
    dim: { type: 'string', default: '256' },
    languages: { type: 'string', default: '11' },
    questions: { type: 'string', default: '1190' },
    pool: { type: 'string', default: '13014' },
    resamples: { type: 'string', default: '2000' },
  },
});
const dim = Number(values.dim);
const L = Number(values.languages);
const questions = Number(values.questions);
const pool = Number(values.pool);
const langs = Array.from({ length: L }, (_, i) => `l${i}`);
const rng = createRng(1);

// Parallel structure as in XQuAD-R: question g in every language, answered by candidate g of each language.
const perLanguage = Math.floor(pool / L);
const candidates: Candidate[] = Array.from({ length: perLanguage * L }, (_, i) => ({ id: `c${i}`, lang: langs[Math.floor(i / perLanguage)], text: '' }));
const queries: Query[] = langs.flatMap((lang) =>
  Array.from({ length: questions }, (_, g) => ({
    id: `${lang}_${g}`,
    lang,
    text: '',
    group: `g${g}`,
    relevant: langs.map((_, y) => `c${y * perLanguage + (g % perLanguage)}`),
  })),
);
/** Unit vectors: `near` (cycled) plus uniform noise of about norm `noise`, normalised. */
function unitVectors(n: number, near?: Float32Array, noise = 1): Float32Array {
  const v = new Float32Array(n * dim);
  const scale = noise * Math.sqrt(3 / dim);
  for (let r = 0; r < n; r++) {
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      const x = (near ? near[(r % (near.length / dim)) * dim + d] : 0) + scale * (rng() * 2 - 1);
      v[r * dim + d] = x;
      norm += x * x;
    }
    for (let d = 0; d < dim; d++) v[r * dim + d] /= Math.sqrt(norm);
  }
  return v;
}
// Candidates of one answer share a direction across languages, and queries lie near their answer,
// so the figures are neither 0 nor 1 (the time does not depend on them).
const answers = unitVectors(perLanguage);
const candidateEmbeddings = unitVectors(perLanguage * L, answers, 2);
const queryAnswers = new Float32Array(queries.length * dim);
queries.forEach((q, i) => queryAnswers.set(answers.subarray((Number(q.group.slice(1)) % perLanguage) * dim, ((Number(q.group.slice(1)) % perLanguage) + 1) * dim), i * dim));
const queryEmbeddings = unitVectors(queries.length, queryAnswers, 3);

const clock = createSystemClock();
const evaluate = (qv: Float32Array) => {
  const t0 = clock.nowMs();
  const evaluation = evaluateQuality({ queries, candidates, queryEmbeddings: qv, candidateEmbeddings, dim, languages: langs });
  return { ...evaluation, ms: clock.nowMs() - t0 };
};
const a = evaluate(queryEmbeddings);
console.log(
  `evaluateQuality: ${queries.length} queries × ${candidates.length} candidates × dim ${dim}: ${(a.ms / 1000).toFixed(1)} s ` +
    `(mono ${a.result.monolingual?.map.toFixed(3)}, cross ${a.result.crossLingual?.map.toFixed(3)}, multi ${a.result.multilingual.map.toFixed(3)})`,
);
const b = evaluate(unitVectors(queries.length, queryAnswers, 2.9));
const t0 = clock.nowMs();
const comparison = comparePairedQuality(a.detail, b.detail, { resamples: Number(values.resamples), seed: 1 });
const bootstrapMs = clock.nowMs() - t0;
console.log(`comparePairedQuality: ${comparison.resamples} resamples of ${comparison.groups} groups × ${L}² pairs: ${(bootstrapMs / 1000).toFixed(2)} s`);
for (const s of comparison.settings) {
  console.log(`  ${s.setting}: ${s.baseline.toFixed(4)} → ${s.candidate.toFixed(4)}, difference ${s.difference.toFixed(4)} [${s.ciLow.toFixed(4)}, ${s.ciHigh.toFixed(4)}], p ${s.pValue.toFixed(3)}`);
}
