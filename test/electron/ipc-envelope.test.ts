import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiError } from '../../main/app/api-error.ts';
import { createAppService } from '../../main/app/app-service.ts';
import { settleCall, unwrapOutcome, type CallOutcome } from '../../main/electron/ipc-envelope.ts';

// What main.ts does for each `xlir:call`, against the real app service; structuredClone stands in
// for IPC's serialization, so what reaches the preload is what Electron would deliver.
const service = createAppService({ homeDir: mkdtempSync(path.join(os.tmpdir(), 'xlir-ipc-home-')), warn: () => {} });
afterAll(() => service.close());

async function overIpc(method: string, input: unknown): Promise<CallOutcome> {
  return structuredClone(await settleCall(() => service.call(method, input), (err) => apiError(err).body.error));
}

/** How the renderer reads a rejection's code back from the message (renderer/src/api/api-call-error.ts). */
const CODED_MESSAGE = /^([A-Z][A-Z0-9_]{2,}): (.*)$/s;

describe('calls over IPC', () => {
  it('carries a result as its value', async () => {
    const outcome = await overIpc('getPreferences', {});
    expect(outcome).toEqual({ ok: true, value: expect.objectContaining({ theme: 'system', modelFolders: [] }) });
    expect(unwrapOutcome(outcome)).toEqual(expect.objectContaining({ theme: 'system' }));
  });

  it('turns invalid input into an INVALID_INPUT outcome, and the preload into an Error whose message keeps the code', async () => {
    const outcome = await overIpc('listRuns', { limit: -3 });
    expect(outcome.ok).toBe(false);
    expect(outcome).toMatchObject({ error: { code: 'INVALID_INPUT', message: expect.stringContaining('limit') } });

    let thrown: unknown;
    try {
      unwrapOutcome(outcome);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    const [, code, message] = CODED_MESSAGE.exec((thrown as Error).message) ?? [];
    expect(code).toBe('INVALID_INPUT');
    expect(message).toContain('limit');
  });

  it('reports an unknown method by its code', async () => {
    const outcome = await overIpc('dropDatabase', {});
    expect(outcome).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(() => unwrapOutcome(outcome)).toThrow(/^UNKNOWN_METHOD: /);
  });

  it('treats a malformed answer as a failure, never as a value', () => {
    for (const answer of [undefined, null, 'ok', { ok: true }, { ok: false, error: 'boom' }, { ok: false, error: { code: 1, message: 'x' } }, { value: 1 }]) {
      expect(() => unwrapOutcome(answer), JSON.stringify(answer)).toThrow(/^IPC_PROTOCOL: /);
    }
  });
});
