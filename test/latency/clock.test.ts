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
});
