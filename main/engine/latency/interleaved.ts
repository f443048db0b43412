import { z } from 'zod';
import { createRng } from '../random/seeded.ts';
import type { LatencyEvent, ScenarioOptions } from './scenario.ts';
import type { WarmUpReport } from './warm-up.ts';

/**
 * Several systems under test (e.g. baseline and hybrid) measured in interleaved rounds: in each
 * round every system runs one block, a complete short run of the scenario (own warm-up, 1/rounds
 * of the count and of the duration), with the round's seed, so all systems answer the same
 * queries in a round. Measured one after the other, two identical models differ by several
 * percent: the machine drifts (other load, frequency, caches) and whoever runs second sees a
 * different machine. Interleaved, drift hits all systems alike within a round, and what remains
 * between rounds is what the interval across rounds (`paired-rounds.ts`) is made of.
 *
 * Order: rounds come in mirrored pairs (A B then B A), so a system's position in the round
 * (first after the other's block, or last) is balanced; which of the two a pair starts with is
 * drawn from the seed, so no periodic disturbance can line up with the alternation.
 */

/** One block of a system, as its merged trace records it. */
export const MeasuredBlockSchema = z.object({
  round: z.number().int().nonnegative(),
  /** Index of the block's first sample (or batch) in the merged trace. */
  start: z.number().int().nonnegative(),
  count: z.number().int().nonnegative(),
  /** When the block's measurement began, on the merged trace's time axis. */
  startMs: z.number(),
  durationMs: z.number(),
});

export type MeasuredBlock = z.infer<typeof MeasuredBlockSchema>;

/** What any scenario measures in one go, before it is summarised. */
export interface Measurement<S> {
  warmup: WarmUpReport;
  /** Relative to the start of the scenario call. */
  measureStartMs: number;
  durationMs: number;
  samples: S[];
}

export interface InterleaveOptions extends Pick<ScenarioOptions<unknown>, 'clock' | 'seed' | 'signal'> {
  /** Blocks per system; each measures 1/rounds of the run length. */
  rounds: number;
  /** Runs (and is awaited) after every block, outside any measurement: e.g. to sample the machine's state. */
  betweenBlocks?: (system: number, round: number) => void | Promise<void>;
  /** The time axis's zero on `clock` (default: when `interleave` is called). */
  originMs?: number;
}

/** The scenario options of interleaved runs: per-system events, and the warm-up of later blocks. */
export interface InterleavedScenarioOptions<S> extends Omit<ScenarioOptions<S>, 'onEvent'>, InterleaveOptions {
  /** Warm-up queries at the start of every later block (caches are cold after a switch). */
  rewarmQueries: number;
  onEvent?: (system: number, event: LatencyEvent<S>) => void;
}

/** The options of one block: its round's seed, its share of the run length, its warm-up. */
export function blockOptions<S, O extends InterleavedScenarioOptions<S>>(options: O, system: number, round: number): Omit<O, 'onEvent'> & ScenarioOptions<S> {
  const { onEvent, ...rest } = options;
  return {
    ...rest,
    seed: options.seed + round,
    warmupQueries: round === 0 ? options.warmupQueries : options.rewarmQueries,
    minQueries: Math.ceil(options.minQueries / options.rounds),
    minDurationMs: options.minDurationMs / options.rounds,
    ...(onEvent && { onEvent: (event: LatencyEvent<S>) => onEvent(system, event) }),
  };
}

/** The order of the systems in `round`: pairs of rounds mirror each other; a pair's orientation is seeded. */
export function blockOrder(systems: number, round: number, seed: number): number[] {
  const order = Array.from({ length: systems }, (_, i) => i);
  const rng = createRng((seed ^ 0x51ed27) + Math.floor(round / 2));
  for (let i = systems - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return round % 2 === 0 ? order : order.reverse();
}

export interface Block<M> {
  round: number;
  /** When the block's scenario call began, relative to `originMs`. */
  offsetMs: number;
  measurement: M;
}

/**
 * Runs `rounds` rounds of one block per system, in `blockOrder`, and returns each system's blocks
 * in round order. Stops at once when the signal aborts, keeping the blocks measured so far.
 */
export async function interleave<M>(systems: number, options: InterleaveOptions, measureBlock: (system: number, round: number) => Promise<M>): Promise<Block<M>[][]> {
  const { clock, signal, rounds } = options;
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`rounds must be a positive integer, got ${rounds}`);
  const originMs = options.originMs ?? clock.nowMs();
  const blocks: Block<M>[][] = Array.from({ length: systems }, () => []);
  for (let round = 0; round < rounds && !signal?.aborted; round++) {
    for (const system of blockOrder(systems, round, options.seed)) {
      if (signal?.aborted) break;
      const offsetMs = clock.nowMs() - originMs;
      blocks[system].push({ round, offsetMs, measurement: await measureBlock(system, round) });
      await options.betweenBlocks?.(system, round);
    }
  }
  return blocks;
}

/**
 * One system's blocks as one measurement: a trace in time order (sequence numbers and start
 * times on one axis), warm-ups and durations summed, and where each block lies in it.
 */
export function concatBlocks<S extends { seq: number; startMs: number }>(blocks: readonly Block<Measurement<S>>[]): Measurement<S> & { blocks: MeasuredBlock[] } {
  const samples: S[] = [];
  const measured: MeasuredBlock[] = [];
  let durationMs = 0;
  const warmup = { queries: 0, durationMs: 0 };
  for (const { round, offsetMs, measurement } of blocks) {
    measured.push({ round, start: samples.length, count: measurement.samples.length, startMs: offsetMs + measurement.measureStartMs, durationMs: measurement.durationMs });
    for (const s of measurement.samples) samples.push({ ...s, seq: samples.length, startMs: s.startMs + offsetMs });
    durationMs += measurement.durationMs;
    warmup.queries += measurement.warmup.queries;
    warmup.durationMs += measurement.warmup.durationMs;
  }
  return { warmup, measureStartMs: measured[0]?.startMs ?? 0, durationMs, samples, blocks: measured };
}
