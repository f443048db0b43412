import { createRng } from '../random/seeded.ts';

/**
 * The order in which a scenario issues queries: a seeded Fisher–Yates shuffle of all indices,
 * reshuffled at each pass when more queries are needed than there are. Every query is issued
 * equally often (±1), no pass repeats the previous one's order (which could line up with
 * periodic effects), and two runs with the same seed — e.g. baseline and hybrid — see the same
 * sequence.
 */
export function createQueryOrder(queryCount: number, seed: number): () => number {
  if (!Number.isInteger(queryCount) || queryCount < 1) {
    throw new RangeError(`a latency scenario needs at least one query, got ${queryCount}`);
  }
  const rng = createRng(seed);
  const order = Array.from({ length: queryCount }, (_, i) => i);
  let next = queryCount;
  return () => {
    if (next === queryCount) {
      for (let i = queryCount - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      next = 0;
    }
    return order[next++];
  };
}
