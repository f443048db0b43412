import { describe, expect, it } from 'vitest';
import { eventsAfterSnapshot } from '../../renderer/src/lib/event-overlap.ts';

const progress = (done: number) => ({ type: 'progress', done });

describe('eventsAfterSnapshot', () => {
  it('drops the events heard that the snapshot already ends with', () => {
    const snapshot = [progress(1), progress(2), progress(3)];
    const heard = [progress(2), progress(3), progress(4), progress(5)];
    expect(eventsAfterSnapshot(snapshot, heard)).toEqual([progress(4), progress(5)]);
  });

  it('keeps every event heard when none was in the snapshot', () => {
    expect(eventsAfterSnapshot([progress(1), progress(2)], [progress(3)])).toEqual([progress(3)]);
    expect(eventsAfterSnapshot([], [progress(1)])).toEqual([progress(1)]);
  });

  it('keeps nothing when all the events heard were in the snapshot', () => {
    expect(eventsAfterSnapshot([progress(1), progress(2)], [progress(1), progress(2)])).toEqual([]);
  });
});
