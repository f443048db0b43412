import type { Clock } from '../../main/engine/latency/clock.ts';

/**
 * A clock that moves only when told: scenario tests run in no wall time and never depend on it.
 * It starts at `startMs`, not 0, as a monotonic clock does: a scenario that forgets to subtract its
 * start time reports times that are off by it.
 */
export class ManualClock implements Clock {
  #nowMs: number;

  constructor(startMs = 5000) {
    this.#nowMs = startMs;
  }

  nowMs(): number {
    return this.#nowMs;
  }

  advance(ms: number): void {
    this.#nowMs += ms;
  }

  async waitUntil(targetMs: number, signal?: AbortSignal): Promise<void> {
    if (!signal?.aborted && targetMs > this.#nowMs) this.#nowMs = targetMs;
  }
}
