import { z } from 'zod';
import type { QualityDetail } from '../metrics/evaluate-quality.ts';
import { comparePairedQuality } from '../metrics/paired-bootstrap.ts';
import type { RunConfig } from './run-config.ts';
import type { LatencyResult, ModelRun } from './run-result.ts';

export const PrecisionSchema = z.enum(['fp32', 'fp16', 'int8', 'int4', 'mixed']);

const SettingLossSchema = z.object({
  setting: z.enum(['monolingual', 'crossLingual', 'multilingual']),
  map: z.number(),
  /** This row's mAP − the reference's, on the same queries; with the paired-bootstrap interval over question groups. */
  difference: z.number(),
  ciLow: z.number(),
  ciHigh: z.number(),
  pValue: z.number(),
});

export const PrecisionRowSchema = z.object({
  /** The run's name for it (`xlm-roberta-base-replica@int8`); the first row is the model itself. */
  name: z.string(),
  /** Null for the folder's graph (the reference row). */
  variant: z.string().nullable(),
  precision: PrecisionSchema,
  bytes: z.number().int(),
  /** Made by XLIR Bench from the graph rather than found in the folder. */
  derived: z.boolean(),
  /** Total latency per query (per batch offline, at the largest batch size), ms. */
  p50Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  /** Reference p50 / this p50: above 1 is faster. */
  speedup: z.number().nullable(),
  /** mAP per setting; the loss against the reference with its interval (absent on the reference row). */
  quality: z.array(SettingLossSchema.partial({ difference: true, ciLow: true, ciHigh: true, pValue: true })),
});

/** One model at each precision it was run at, against its own graph: what int8 or fp16 costs in quality and gains in time. */
export const PrecisionTableSchema = z.object({
  model: z.string(),
  dir: z.string(),
  rows: z.array(PrecisionRowSchema),
});

export type PrecisionTable = z.infer<typeof PrecisionTableSchema>;

function latencyTotals(latency: LatencyResult): { p50Ms: number; p99Ms: number } | null {
  const stages = latency.scenario === 'offline' ? latency.runs.filter((r) => r.stages).at(-1)?.stages : latency.stages;
  return stages ? { p50Ms: stages.total.p50Ms, p99Ms: stages.total.p99Ms } : null;
}

/**
 * A precision table per model that was run with variants (`--variant`): its graph first, then each
 * variant, with size, latency and mAP per setting, and the mAP difference to the graph with the
 * paired bootstrap's interval (both measured on the same queries and candidates).
 */
export function precisionTables(models: readonly ModelRun[], details: ReadonlyMap<string, QualityDetail>, config: RunConfig): PrecisionTable[] {
  const tables: PrecisionTable[] = [];
  for (const reference of models.filter((m) => !m.variant)) {
    const variants = models.filter((m) => m.variant && m.dir === reference.dir);
    if (variants.length === 0) continue;
    const base = latencyTotals(reference.latency);
    const referenceDetail = details.get(reference.name);
    const rows = [reference, ...variants].map((m) => {
      const totals = latencyTotals(m.latency);
      const detail = details.get(m.name);
      const paired = m !== reference && referenceDetail && detail ? comparePairedQuality(referenceDetail, detail, { seed: config.seed, resamples: config.bootstrapResamples }) : null;
      const quality = m.quality
        ? (['monolingual', 'crossLingual', 'multilingual'] as const).flatMap((setting) => {
            const map = m.quality![setting]?.map;
            if (map === undefined || map === null) return [];
            const loss = paired?.settings.find((s) => s.setting === setting);
            return [loss ? { setting, map, difference: loss.difference, ciLow: loss.ciLow, ciHigh: loss.ciHigh, pValue: loss.pValue } : { setting, map }];
          })
        : [];
      return {
        name: m.name,
        variant: m.variant?.name ?? null,
        precision: m.precision ?? 'fp32',
        bytes: m.model.bytes,
        derived: m.variant?.derived !== undefined,
        p50Ms: totals?.p50Ms ?? null,
        p99Ms: totals?.p99Ms ?? null,
        speedup: base && totals && totals.p50Ms > 0 ? base.p50Ms / totals.p50Ms : null,
        quality,
      };
    });
    tables.push({ model: reference.name, dir: reference.dir, rows });
  }
  return tables;
}
