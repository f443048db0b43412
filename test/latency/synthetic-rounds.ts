import type { StageTimes } from '../../main/engine/latency/latency-sample.ts';
import { blockOrder } from '../../main/engine/latency/interleaved.ts';
import type { RoundBlocks } from '../../main/engine/latency/paired-rounds.ts';
import { createRng, type Rng } from '../../main/engine/random/seeded.ts';

/** A sample whose stages add up to `totalMs` (the comparisons read the total). */
export const sample = (totalMs: number): StageTimes => ({ tokenizeMs: totalMs * 0.1, encodeMs: totalMs * 0.8, searchMs: totalMs * 0.1, totalMs });

function normal(rng: Rng): number {
  // Box–Muller; 1 − u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

export interface MachineNoise {
  /** Slow drift over the whole run, as a fraction (0.2: the last block is 20% slower than the first). */
  drift: number;
  /** Block-to-block noise: sd of ln(block level). */
  blockSd: number;
  /** Chance that a block is hit by a burst of other load, and how much slower it makes that block. */
  burstChance: number;
  burstSlowdown: number;
  /** Query-to-query noise: sd of ln(latency) within a block. */
  querySd: number;
}

/**
 * An interleaved run of two systems on a simulated machine: rounds of one block each in
 * `blockOrder`, every block's queries scaled by the machine's level at that moment (drift, block
 * noise, bursts), then by the system's own speed (`candidateFactor` for the second system).
 */
export function simulateRounds(seed: number, options: { rounds: number; perBlock: number; candidateFactor: number; noise: MachineNoise; baseMs?: number }): RoundBlocks[] {
  const rng = createRng(seed);
  const { rounds, perBlock, noise } = options;
  const totalBlocks = rounds * 2;
  let block = 0;
  return Array.from({ length: rounds }, (_, round) => {
    const blocks: StageTimes[][] = [[], []];
    for (const system of blockOrder(2, round, seed)) {
      const drift = 1 + (noise.drift * block++) / (totalBlocks - 1);
      const burst = rng() < noise.burstChance ? 1 + noise.burstSlowdown : 1;
      const level = (options.baseMs ?? 1) * drift * burst * Math.exp(noise.blockSd * normal(rng)) * (system === 1 ? options.candidateFactor : 1);
      for (let q = 0; q < perBlock; q++) blocks[system].push(sample(level * Math.exp(noise.querySd * normal(rng))));
    }
    return { baseline: blocks[0], candidate: blocks[1] };
  });
}
