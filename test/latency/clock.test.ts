import { describe, expect, it } from 'vitest';
import { createSystemClock } from '../../main/engine/latency/clock.ts';

describe('createSystemClock', () => {
  it('starts near zero and never goes backwards', () => {
    const clock = createSystemClock();
    let previous = clock.nowMs();
    expect(previous).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 10_000; i++) {
      const now = clock.nowMs();
      expect(now).toBeGreaterThanOrEqual(previous);
      previous = now;
    }
  });

  it('waitUntil returns no earlier than the target', async () => {
    const clock = createSystemClock();
    for (const aheadMs of [0.2, 3, 15]) {
      const target = clock.nowMs() + aheadMs;
      await clock.waitUntil(target);
      expect(clock.nowMs()).toBeGreaterThanOrEqual(target);
    }
  });

  it('waitUntil returns when the signal aborts, long before a far target', async () => {
    const clock = createSystemClock();
    const controller = new AbortController();
    const target = clock.nowMs() + 3_600_000;
    setTimeout(() => controller.abort(), 5);
    await clock.waitUntil(target, controller.signal);
    expect(clock.nowMs()).toBeLessThan(target);
  });

  it('waitUntil sleeps (never spins) toward a target beyond the longest timer, 24.8 days away', async () => {
    // Node caps a timer at 2^31 - 1 ms: a longer one warns (TimeoutOverflowWarning) and fires after
    // 1 ms, which turned a slow server rate into a wait spent polling the clock at full CPU.
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const clock = createSystemClock();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    await clock.waitUntil(clock.nowMs() + 2 ** 31 + 60_000, controller.signal);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings).not.toContain('TimeoutOverflowWarning');
  });
});
