import { percentileOfSorted, sortedCopy } from './percentiles.ts';

/** What the live view shows while a scenario runs. */
export interface LiveSummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Exact running percentiles over every value added so far. Values arrive in batches (one per
 * emitted event): each batch is sorted on its own and merged into the sorted whole, O(n) per
 * batch, so the live p50/p99 are the same numbers the final summary would report at that point,
 * not an approximation. Storage doubles as needed.
 */
export class RunningSummary {
  #sorted = new Float64Array(256);
  #count = 0;
  #sum = 0;

  get count(): number {
    return this.#count;
  }

  add(values: ArrayLike<number>): void {
    if (values.length === 0) return;
    const batch = sortedCopy(values);
    const total = this.#count + batch.length;
    const merged = total > this.#sorted.length ? new Float64Array(Math.max(total, this.#sorted.length * 2)) : this.#sorted;
    // Merge from the back, so merging in place never overwrites an unread value.
    let i = this.#count - 1;
    let j = batch.length - 1;
    for (let k = total - 1; j >= 0; k--) {
      if (i >= 0 && this.#sorted[i] > batch[j]) merged[k] = this.#sorted[i--];
      else merged[k] = batch[j--];
    }
    if (merged !== this.#sorted) merged.set(this.#sorted.subarray(0, i + 1), 0);
    this.#sorted = merged;
    this.#count = total;
    for (let b = 0; b < batch.length; b++) this.#sum += batch[b];
  }

  /** Percentile `p` (0–100) of the values so far, nearest rank as in the final summary. */
  percentile(p: number): number {
    return percentileOfSorted(this.#sorted.subarray(0, this.#count), p);
  }

  /** Null until the first value arrives. */
  snapshot(): LiveSummary | null {
    if (this.#count === 0) return null;
    return { count: this.#count, meanMs: this.#sum / this.#count, p50Ms: this.percentile(50), p99Ms: this.percentile(99) };
  }
}
