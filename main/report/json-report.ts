import { z } from 'zod';
import { RunResultSchema } from '../engine/run/run-result.ts';
import { toolVersion } from '../engine/run/tool-version.ts';
import { MachineLabelSchema } from '../store/machine-identity.ts';
import type { ReportRun } from './report-run.ts';

export const REPORT_FORMAT = 'xlir-bench-report';
/**
 * The version of the report envelope (the run results inside carry their own). Bump it on any
 * change an older reader could trip over, and add the step from the old shape to `REPORT_UPGRADES`
 * in import-report.ts.
 */
export const REPORT_VERSION = 1;

function reportFileSchema<R extends z.ZodType>(result: R) {
  return z.object({
    format: z.literal(REPORT_FORMAT),
    version: z.literal(REPORT_VERSION),
    exportedAt: z.string().datetime(),
    tool: z.object({ name: z.literal('xlir-bench'), version: z.string().max(100) }),
    runs: z
      .array(
        z.object({
          /** The machine as the exporting history knew it; the importer recomputes the id from the profile. */
          machine: z.object({ id: z.string().regex(/^[0-9a-f]{16}$/), label: MachineLabelSchema }),
          result,
        }),
      )
      .min(1)
      .max(10_000),
  });
}

/** The file `xlir export --format json` writes and `xlir import` reads: one or more full runs. */
export const ReportFileSchema = reportFileSchema(RunResultSchema);

/** The published JSON Schema of a report file: each run's result refers to the run result's schema. */
export function reportJsonSchema(runResultSchemaId: string): Record<string, unknown> {
  const schema = z.toJSONSchema(reportFileSchema(z.unknown()), { target: 'draft-2020-12', io: 'output' }) as unknown as Record<string, unknown> & {
    properties: { runs: { items: { properties: Record<string, unknown> } } };
  };
  schema.properties.runs.items.properties.result = { $ref: runResultSchemaId };
  return schema;
}

export type ReportFile = z.infer<typeof ReportFileSchema>;

export function renderJsonReport(runs: readonly ReportRun[], exportedAt = new Date()): string {
  const file: ReportFile = {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    exportedAt: exportedAt.toISOString(),
    tool: { name: 'xlir-bench', version: toolVersion() },
    runs: runs.map((r) => ({ machine: r.machine, result: r.result })),
  };
  return `${JSON.stringify(file)}\n`;
}
