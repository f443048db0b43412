import { setImmediate as yieldToEventLoop, setTimeout as sleep } from 'node:timers/promises';

/**
 * The time source of every latency measurement. Scenarios and query processors take a Clock
 * instead of reading the system timer, so tests drive them with a manual clock and never depend
 * on wall time.
 */
export interface Clock {
  /** Milliseconds since this clock's origin: monotonic, fractional. */
  nowMs(): number;
  /**
   * Resolves once `nowMs() >= targetMs` (at once if that time has passed), or as soon as `signal`
   * aborts; callers check the signal afterwards. Never rejects.
   */
  waitUntil(targetMs: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Below this much remaining wait, `waitUntil` stops sleeping and polls instead: Node's timers
 * have millisecond granularity and can fire up to a millisecond off, which would otherwise land
 * in the server scenario's queueing time.
 */
const POLL_WINDOW_MS = 2;

/** The longest delay a Node timer takes (2^31 − 1 ms, 24.8 days): a longer one warns and fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The system's monotonic clock: `process.hrtime.bigint()` (CLOCK_MONOTONIC on Linux,
 * mach_absolute_time on macOS, QueryPerformanceCounter on Windows). Nominal resolution 1 ns; a
 * read costs tens of nanoseconds, and the real granularity is the OS's (≤ 100 ns on all three),
 * far below the ≥ 0.1 ms stage times measured here. Readings are taken relative to an origin
 * captured at creation and subtracted as bigints, so converting to a float of milliseconds
 * loses nothing that matters: a double holds nanosecond precision for over 100 days.
 *
 * `waitUntil` sleeps with a timer until 2 ms before the target, then polls the clock, yielding
 * to the event loop between polls. The poll keeps the JS thread busy for at most those 2 ms, and
 * the server scenario waits only while no query is in flight, so it never competes with a
 * measured query for a core.
 */
export function createSystemClock(): Clock {
  const origin = process.hrtime.bigint();
  const nowMs = () => Number(process.hrtime.bigint() - origin) / 1e6;
  return {
    nowMs,
    async waitUntil(targetMs, signal) {
      // A timer lasts at most MAX_TIMER_MS (a longer one would fire at once): far targets take several.
      for (let coarseMs = targetMs - nowMs() - POLL_WINDOW_MS; coarseMs > 0 && !signal?.aborted; coarseMs = targetMs - nowMs() - POLL_WINDOW_MS) {
        // An aborted sleep rejects; the caller learns about the abort from the signal.
        await sleep(Math.min(coarseMs, MAX_TIMER_MS), undefined, { signal }).catch(() => undefined);
      }
      while (nowMs() < targetMs && !signal?.aborted) await yieldToEventLoop();
    },
  };
}
