import { z } from 'zod';
import { RunResultSchema } from '../engine/run/run-result.ts';
import { reportJsonSchema } from '../report/json-report.ts';

const RUN_RESULT_ID = 'https://xlir-bench.local/schemas/run-result.schema.json';

/**
 * The published JSON Schemas of the files the tool writes, generated from the engine's zod
 * schemas so they cannot drift: `npm run schemas` rewrites them, and a test fails when the
 * committed files differ from what the code would generate.
 */
export const PUBLISHED_SCHEMAS = {
  'run-result.schema.json': () => ({
    $id: RUN_RESULT_ID,
    title: 'XLIR Bench run result',
    description: 'The full result of `xlir run --json FILE`: configuration, machine, dataset, per-model quality and latency, comparisons.',
    ...z.toJSONSchema(RunResultSchema, { target: 'draft-2020-12', io: 'output' }),
  }),
  'report.schema.json': () => ({
    $id: 'https://xlir-bench.local/schemas/report.schema.json',
    title: 'XLIR Bench report',
    description: 'The file of `xlir export --format json` that `xlir import` reads: one or more runs, each with the machine label its history gave it.',
    ...reportJsonSchema(RUN_RESULT_ID),
  }),
};

export function renderSchema(name: keyof typeof PUBLISHED_SCHEMAS): string {
  return `${JSON.stringify(PUBLISHED_SCHEMAS[name](), null, 2)}\n`;
}
