import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError } from '../../main/app/api-error.ts';
import { createAppService } from '../../main/app/app-service.ts';
import type { ApiOutputs, AppEvent } from '../../main/contract/app-api.ts';
import { parameterCount } from '../../main/engine/replicas/replica-catalog.ts';
import { quickConfig, tinyEncoderDir } from '../run/fixtures.ts';
import { tempModelsDir, tinyReplica, tokenizerFile } from '../replicas/tiny-replicas.ts';
import { eventMatching, isEnd, isMeasuring } from './app-events.ts';
import { failure } from './call-failure.ts';

/** A service whose replica catalogue is two tiny replicas, generated into a fresh models folder (XLIR_MODELS_DIR). */
function replicaService() {
  const modelsDir = tempModelsDir('app');
  vi.stubEnv('XLIR_MODELS_DIR', modelsDir);
  const e5 = tinyReplica('multilingual-e5-small');
  const labse = tinyReplica('labse');
  const service = createAppService({
    homeDir: mkdtempSync(path.join(os.tmpdir(), 'xlir-app-replicas-')),
    warn: () => {},
    replicas: { catalogue: [e5, labse], tokenizer: { file: tokenizerFile(e5, ['hello', 'world']) } },
  });
  const events: AppEvent[] = [];
  service.onEvent((e) => events.push(e));
  return { service, events, modelsDir, e5 };
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('app service: latency replicas', () => {
  it('generates a replica with progress events; it is then listed as generated and among the models', async () => {
    const { service, events, modelsDir, e5 } = replicaService();
    const before = (await service.call('listReplicas', {})) as ApiOutputs['listReplicas'];
    expect(before).toEqual([
      { name: 'multilingual-e5-small-replica', hubId: 'intfloat/multilingual-e5-small', bytes: parameterCount(e5.architecture) * 4, dir: path.join(modelsDir, 'multilingual-e5-small-replica'), generated: false },
      expect.objectContaining({ name: 'labse-replica', generated: false }),
    ]);

    const made = (await service.call('generateReplica', { name: 'Multilingual-E5-Small-Replica' })) as ApiOutputs['generateReplica'];
    expect(made).toEqual({ dir: path.join(modelsDir, 'multilingual-e5-small-replica'), seconds: expect.any(Number) });
    const progress = events.flatMap((e) => (e.type === 'replica-progress' ? [e] : []));
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p) => p.name === 'multilingual-e5-small-replica' && p.phase === 'weights' && p.total === parameterCount(e5.architecture) * 4)).toBe(true);
    expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);

    const after = (await service.call('listReplicas', {})) as ApiOutputs['listReplicas'];
    expect(after.map((r) => [r.name, r.generated])).toEqual([
      ['multilingual-e5-small-replica', true],
      ['labse-replica', false],
    ]);
    const models = (await service.call('listModels', {})) as ApiOutputs['listModels'];
    expect(models.find((m) => m.dir === made.dir)).toMatchObject({ ok: true, name: 'multilingual-e5-small-replica', checkpoint: 'replica', source: 'replica' });
    expect(readdirSync(modelsDir)).toEqual(['multilingual-e5-small-replica']);

    // Asked again, it is returned as it is, not generated twice.
    const seen = events.length;
    expect(await service.call('generateReplica', { name: 'multilingual-e5-small-replica' })).toEqual({ dir: made.dir });
    expect(events.length).toBe(seen);
    await service.close();
  });

  it('refuses a name not in the catalogue, with the names it knows', async () => {
    const { service, modelsDir } = replicaService();
    const unknown = await failure(service, 'generateReplica', { name: 'gpt-9-replica' });
    expect(unknown).toMatchObject({ status: 404, code: 'REPLICA_NOT_FOUND' });
    expect(unknown.message).toContain('multilingual-e5-small-replica, labse-replica');
    expect(await failure(service, 'generateReplica', { name: '' })).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
    expect(readdirSync(modelsDir)).toEqual([]);
    await service.close();
  });

  it('generates nothing while a run is measured, and starts no run while a replica is generated', async () => {
    const { service, events, modelsDir } = replicaService();
    const endless = quickConfig([tinyEncoderDir], { roofline: false, lexicalFloor: false, quality: false, scenario: { kind: 'single-stream', warmupQueries: 1, minQueries: 1_000_000, minDurationMs: 600_000 } });
    const { runId } = (await service.call('startRun', { config: endless })) as ApiOutputs['startRun'];
    await eventMatching(service, events, isMeasuring);
    expect(await failure(service, 'generateReplica', { name: 'labse-replica' })).toMatchObject({ status: 409, code: 'RUN_IN_PROGRESS' });
    expect(existsSync(path.join(modelsDir, 'labse-replica'))).toBe(false);
    await service.call('cancelRun', { runId });
    await eventMatching(service, events, isEnd);

    // Asked at nearly the same time (the run still starting, its limits being read): exactly one goes ahead.
    const outcome = (call: Promise<unknown>) => call.then((value) => ({ value, refused: null }), (err: unknown) => ({ value: null, refused: apiError(err).body.error.code }));
    const run = outcome(service.call('startRun', { config: endless }));
    await new Promise((resolve) => setImmediate(resolve));
    const replica = outcome(service.call('generateReplica', { name: 'labse-replica' }));
    const [r, g] = await Promise.all([run, replica]);
    expect([r.refused, g.refused].filter((code) => code !== null)).toHaveLength(1);
    expect([r.refused, g.refused]).toContain(r.refused === null ? 'RUN_IN_PROGRESS' : 'REPLICA_IN_PROGRESS');
    if (r.value) {
      const { runId: second } = r.value as ApiOutputs['startRun'];
      await service.call('cancelRun', { runId: second });
      await eventMatching(service, events, (e) => isEnd(e) && 'runId' in e && e.runId === second);
    }

    // A replica not generated yet (the race above may have generated labse's).
    const [fresh, other] = g.value ? ['multilingual-e5-small-replica', 'labse-replica'] : ['labse-replica', 'multilingual-e5-small-replica'];
    const generating = service.call('generateReplica', { name: fresh });
    const refused = await failure(service, 'startRun', { config: endless });
    expect(refused).toMatchObject({ status: 409, code: 'REPLICA_IN_PROGRESS' });
    expect(refused.message).toContain(`${fresh} is being generated`);
    expect(await failure(service, 'generateReplica', { name: other })).toMatchObject({ status: 409, code: 'REPLICA_IN_PROGRESS' });
    await generating;
    expect((await service.call('listRuns', {})) as unknown[]).toHaveLength(r.value ? 2 : 1);
    await service.close();
  });
});
