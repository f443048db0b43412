import type { AppService } from '../../main/app/app-service.ts';
import type { AppEvent } from '../../main/contract/app-api.ts';

/** The first event (past or to come) that matches. */
export function eventMatching(s: AppService, seen: AppEvent[], match: (e: AppEvent) => boolean): Promise<AppEvent> {
  const past = seen.find(match);
  if (past) return Promise.resolve(past);
  return new Promise((resolve) => {
    const off = s.onEvent((e) => {
      if (match(e)) {
        off();
        resolve(e);
      }
    });
  });
}

export const isMeasuring = (e: AppEvent) => e.type === 'run-event' && e.event.type === 'latency' && e.event.phase === 'measure';
export const isEnd = (e: AppEvent) => e.type === 'run-finished' || e.type === 'run-failed';
