import { z } from 'zod';
import { EventBatcher } from './event-batcher.ts';
import type { StageTimes } from './latency-sample.ts';
import type { LatencyEvent, ScenarioOptions } from './scenario.ts';
import { runLengthReached } from './run-length.ts';

export const WarmUpReportSchema = z.object({ queries: z.number().int(), durationMs: z.number() });

export type WarmUpReport = z.infer<typeof WarmUpReportSchema>;

/**
 * Runs unrecorded work until BOTH `warmupQueries` and `warmupMs` are reached (kernel selection,
 * caches, allocator growth), emitting progress events for the phase. `runOnce` processes one unit
 * (a query or a batch) and returns how many queries it covered. Stops early on abort.
 */
export async function warmUp<S extends StageTimes>(
  options: ScenarioOptions<S>,
  frame: Pick<LatencyEvent<S>, 'scenario' | 'batchSize'>,
  runOnce: () => Promise<number>,
): Promise<WarmUpReport> {
  const length = { minQueries: options.warmupQueries, minDurationMs: options.warmupMs ?? 0 };
  const { clock, signal } = options;
  const startMs = clock.nowMs();
  const events = new EventBatcher<S>({ ...frame, phase: 'warmup' }, options, length);
  let queries = 0;
  while (!runLengthReached(queries, clock.nowMs() - startMs, length) && !signal?.aborted) {
    const covered = await runOnce();
    queries += covered;
    events.record(covered);
  }
  if (queries > 0) events.flush();
  return { queries, durationMs: clock.nowMs() - startMs };
}
