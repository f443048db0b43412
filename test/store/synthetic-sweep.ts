import { ModelCost } from '../../main/engine/roofline/model-cost.ts';
import { efficiencyOf } from '../../main/engine/roofline/efficiency.ts';
import { SweepConfigSchema } from '../../main/engine/sweep/sweep-config.ts';
import { SweepResultSchema, type SweepResult } from '../../main/engine/sweep/run-sweep.ts';
import { summarizeRounds } from '../../main/engine/sweep/sweep-summary.ts';
import type { MachineProfile } from '../../main/engine/machine/machine-profile.ts';
import { fakeBandwidth, fakePeak } from '../roofline/fake-ceilings.ts';
import { attentionBlock } from '../roofline/graphs.ts';
import { syntheticMachine } from './synthetic-result.ts';

/**
 * A valid sweep result made up without running a model: one CPU thread count, a batch × token
 * grid, 1 ms per batch row per 10 tokens, with efficiencies against the ceilings given (FLOPs and
 * bytes of test/roofline's attention block).
 */
export function syntheticSweep(options: { model?: string; threads?: number; machine?: Partial<MachineProfile>; ceilings?: { peakGflops: number; bandwidthGBs: number }; startedAt?: string } = {}): SweepResult {
  const model = options.model ?? 'synthetic-baseline';
  const threads = options.threads ?? 4;
  const config = SweepConfigSchema.parse({ model: `/models/${model}`, threads: [threads], batchSizes: [1, 8], sequenceLengths: [16, 64], rounds: 1, runsPerRound: 2 });
  const cost = new ModelCost(attentionBlock());
  const ceilings = options.ceilings ?? { peakGflops: 100, bandwidthGBs: 20 };
  const settings = { provider: 'cpu' as const, variant: 'default', threads };
  const configurations = config.batchSizes.flatMap((batchSize) =>
    config.sequenceLengths.map((tokens) => {
      const ms = (batchSize * tokens) / 10;
      const rounds = [[ms, ms * 1.1]];
      const records = rounds.flat().map((encodeMs) => ({ batchSize, sequenceLength: tokens, encodeMs }));
      return {
        settings,
        workload: { batchSize, tokens },
        roundTimesMs: rounds,
        ...summarizeRounds(rounds, batchSize),
        efficiency: efficiencyOf(batchSize, records, cost, { peak: fakePeak(ceilings.peakGflops, { threads }), bandwidth: fakeBandwidth(ceilings.bandwidthGBs, { threads }) }),
      };
    }),
  );
  const startedAt = options.startedAt ?? '2026-01-02T00:00:00.000Z';
  return SweepResultSchema.parse({
    kind: 'xlir-sweep',
    version: 1,
    startedAt,
    finishedAt: startedAt,
    cancelled: false,
    model: { name: model, dir: `/models/${model}`, sha256: 'a'.repeat(64) },
    config,
    machine: syntheticMachine(options.machine),
    skipped: [],
    roundOrder: [configurations.map((_, i) => i)],
    configurations,
    best: null,
  });
}
