import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import type { ActiveRun } from '../../main/contract/app-api.ts';
import { openHistory } from '../../main/store/open-history.ts';
import { listRuns } from '../../main/store/run-queries.ts';
import { quickConfig, repoRoot, tinyEncoderDir } from '../run/fixtures.ts';

const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');

describe('xlir serve', () => {
  it('prints its URL first, answers with the token in it, and on SIGTERM stops, keeping the run in progress as cancelled', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-serve-home-'));
    const child = spawn(process.execPath, [xlir, 'serve', '--port', '0'], { cwd: repoRoot, env: { ...process.env, XLIR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const match = /^XLIR Bench is serving at (http:\/\/127\.0\.0\.1:(\d+)\/)#token=([A-Za-z0-9_-]{43})$/.exec(first);
      expect(match, first).not.toBeNull();
      const [, base, , token] = match!;

      const runs = await fetch(`${base}api/call/listRuns`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: '{}' });
      expect(runs.status).toBe(200);
      expect(await runs.json()).toEqual([]);
      expect((await fetch(`${base}api/call/listRuns`, { method: 'POST', body: '{}' })).status).toBe(401);

      // A run in progress when the server is stopped is cancelled and kept.
      const call = async (method: string, input: unknown) => (await fetch(`${base}api/call/${method}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(input) })).json();
      const config = quickConfig([tinyEncoderDir], { quality: false, lexicalFloor: false, roofline: false, scenario: { kind: 'single-stream', warmupQueries: 1, minQueries: 1_000_000, minDurationMs: 600_000 } });
      const { runId } = (await call('startRun', { config })) as { runId: string };
      await expect.poll(async () => ((await call('activeRun', {})) as ActiveRun).events.some((e) => e.type === 'latency' && e.phase === 'measure'), { timeout: 60_000 }).toBe(true);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
      const history = openHistory({ file: path.join(home, 'history.sqlite') });
      expect(listRuns(history.db).map((r) => [r.id, r.state])).toEqual([[runId, 'cancelled']]);
      history.close();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('refuses a port that is not one', () => {
    const r = spawnSync(process.execPath, [xlir, 'serve', '--port', '70000'], { cwd: repoRoot, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--port/);
  });
});
