import type { Clock } from '../../main/engine/latency/clock.ts';

/** A clock that moves only when told: scenario tests run in no wall time and never depend on it. */
export class ManualClock implements Clock {
  #nowMs = 0;

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
