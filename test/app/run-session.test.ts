import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiError } from '../../main/app/api-error.ts';
import { createAppService, type AppService } from '../../main/app/app-service.ts';
import type { ApiOutputs, AppEvent } from '../../main/contract/app-api.ts';
import { listActiveRuns, registerActiveRun } from '../../main/store/active-runs.ts';
import { quickConfig, tinyEncoderDir } from '../run/fixtures.ts';
import { eventMatching, isEnd, isMeasuring } from './app-events.ts';

/** A quick run without the parts that take longest and are tested elsewhere. */
const config = (overrides: Record<string, unknown> = {}) => quickConfig([tinyEncoderDir], { roofline: false, lexicalFloor: false, ...overrides });
/** A run that goes on until cancelled (within any test's time). */
const endless = () => config({ quality: false, scenario: { kind: 'single-stream', warmupQueries: 1, minQueries: 1_000_000, minDurationMs: 600_000 } });

function service(homeDir = mkdtempSync(path.join(os.tmpdir(), 'xlir-app-run-'))): { service: AppService; events: AppEvent[] } {
  const events: AppEvent[] = [];
  const s = createAppService({ homeDir, warn: () => {} });
  s.onEvent((e) => events.push(e));
  return { service: s, events };
}

async function codeOf(promise: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await promise;
  } catch (err) {
    const { status, body } = apiError(err);
    return { status, code: body.error.code };
  }
  throw new Error('the call did not fail');
}

describe('runs started from the app', () => {
  it('runs a benchmark, streams its events, records it like xlir run and frees the slot', async () => {
    const { service: s, events } = service();
    const { runId } = (await s.call('startRun', { config: config() })) as ApiOutputs['startRun'];
    expect(events[0]).toMatchObject({ type: 'run-started', runId, config: { models: [tinyEncoderDir], dataset: { langs: ['en', 'de'], maxQueries: 8 } } });

    expect(await eventMatching(s, events, isEnd)).toEqual({ type: 'run-finished', runId, status: 'completed' });
    expect(await s.call('activeRun', {})).toBeNull();
    const stored = (await s.call('getRun', { ref: runId })) as ApiOutputs['getRun'];
    expect(stored.state).toBe('completed');
    expect(stored.result!.id).toBe(runId);
    expect(stored.result!.models[0].quality).not.toBeNull();
    // Every measured sample the window saw is in the history.
    const measured = events.flatMap((e) => (e.type === 'run-event' && e.event.type === 'latency' && e.event.phase === 'measure' ? e.event.samples : []));
    expect(measured.length).toBeGreaterThanOrEqual(12);
    const latency = stored.result!.models[0].latency;
    expect(latency.scenario !== 'offline' && latency.samples.length).toBe(measured.length);
    expect(events.filter((e) => e.type !== 'run-event').map((e) => e.type)).toEqual(['run-started', 'run-finished']);
    await s.close();
  });

  it('shows the run in progress, refuses a second one, and cancels it keeping what was measured', async () => {
    const { service: s, events } = service();
    const { runId } = (await s.call('startRun', { config: endless() })) as ApiOutputs['startRun'];
    await eventMatching(s, events, isMeasuring);
    const active = (await s.call('activeRun', {})) as ApiOutputs['activeRun'];
    expect(active).toMatchObject({ runId, config: { models: [tinyEncoderDir], quality: false } });
    expect(active!.events.length).toBeGreaterThan(0);
    expect(active!.events).toEqual(events.filter((e) => e.type === 'run-event').slice(0, active!.events.length).map((e) => (e as { event: unknown }).event));
    // One run at a time, and the run in progress cannot be deleted from under itself.
    expect(await codeOf(s.call('startRun', { config: config() }))).toEqual({ status: 409, code: 'RUN_IN_PROGRESS' });
    expect(await codeOf(s.call('deleteRun', { ref: runId }))).toEqual({ status: 409, code: 'RUN_IN_PROGRESS' });
    const running = (await s.call('listRuns', {})) as ApiOutputs['listRuns'];
    expect(running.map((r) => [r.id, r.state])).toEqual([[runId, 'running']]);

    expect(await s.call('cancelRun', { runId: 'not-this-one' })).toEqual({ cancelled: false });
    expect(await s.call('cancelRun', { runId })).toEqual({ cancelled: true });
    expect(await eventMatching(s, events, isEnd)).toEqual({ type: 'run-finished', runId, status: 'cancelled' });
    const [listed] = (await s.call('listRuns', {})) as ApiOutputs['listRuns'];
    expect(listed).toMatchObject({ id: runId, state: 'cancelled' });
    expect(listed.models[0].samples).toBeGreaterThan(0);
    await s.close();
  });

  it('reports a run that fails in the engine, and one that cannot start', async () => {
    const { service: s, events } = service();
    const empty = mkdtempSync(path.join(os.tmpdir(), 'xlir-no-data-'));
    const { runId } = (await s.call('startRun', { config: config({ dataset: { name: 'xquad-r', dataDir: empty, langs: ['en'] } }) })) as ApiOutputs['startRun'];
    const end = await eventMatching(s, events, isEnd);
    expect(end).toMatchObject({ type: 'run-failed', runId, code: expect.any(String), message: expect.stringContaining(empty) });
    expect(((await s.call('getRun', { ref: runId })) as ApiOutputs['getRun']).state).toBe('failed');

    expect(await codeOf(s.call('startRun', { config: config({ models: ['no-such-model'] }) }))).toEqual({ status: 404, code: 'MODEL_NOT_FOUND' });
    expect(await s.call('listRuns', {})).toHaveLength(1);
    await s.close();
  });

  it('lists its run among the machine\'s active runs while it runs, and sees the others', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-app-run-'));
    const { service: s, events } = service(home);
    const other = registerActiveRun(home, { runId: 'cli-run-alongside', kind: 'run' });
    const { runId } = (await s.call('startRun', { config: endless() })) as ApiOutputs['startRun'];
    await eventMatching(s, events, isMeasuring);
    expect(listActiveRuns(home).map((r) => [r.runId, r.kind])).toEqual([['cli-run-alongside', 'run'], [runId, 'serve']]);
    await s.call('cancelRun', { runId });
    await eventMatching(s, events, isEnd);
    expect(listActiveRuns(home).map((r) => r.runId)).toEqual(['cli-run-alongside']);
    other.release();
    const stored = (await s.call('getRun', { ref: runId })) as ApiOutputs['getRun'];
    expect(stored.result!.measurementQuality).toMatchObject({ level: 'busy', otherRuns: [{ runId: 'cli-run-alongside', kind: 'run', pid: process.pid }] });
    await s.close();
  });

  it('calibrates: the first model against itself, latency only; the noise floor becomes the machine\'s calibration', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-app-run-'));
    const { service: s, events } = service(home);
    expect(await s.call('getCalibration', {})).toBeNull();
    const { runId } = (await s.call('startCalibration', { config: config({ models: [tinyEncoderDir, 'xlir-bridge-hybrid'] }) })) as ApiOutputs['startCalibration'];
    expect(events[0]).toMatchObject({ type: 'run-started', runId, config: { models: [tinyEncoderDir, tinyEncoderDir], quality: false, lexicalFloor: false, roofline: false } });
    expect(await eventMatching(s, events, isEnd)).toEqual({ type: 'run-finished', runId, status: 'completed' });
    const stored = (await s.call('getRun', { ref: runId })) as ApiOutputs['getRun'];
    const floor = stored.result!.noiseFloor!;
    expect(floor.rounds).toBe(4);
    expect(await s.call('getCalibration', {})).toMatchObject({ runId, noiseFloor: floor });
    await s.close();
  });

  it('closes by cancelling the run in progress and storing it; then starts no run', async () => {
    const { service: s, events } = service();
    const { runId } = (await s.call('startRun', { config: endless() })) as ApiOutputs['startRun'];
    await eventMatching(s, events, isMeasuring);
    await s.close();
    expect(events.at(-1)).toEqual({ type: 'run-finished', runId, status: 'cancelled' });
    expect(((await s.call('getRun', { ref: runId })) as ApiOutputs['getRun']).state).toBe('cancelled');
    expect(await codeOf(s.call('startRun', { config: config() }))).toEqual({ status: 409, code: 'APP_CLOSED' });
  });
});
