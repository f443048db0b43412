import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../run/fixtures.ts';

const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');

describe('xlir serve', () => {
  it('prints its URL first, answers with the token in it, and stops cleanly on SIGTERM', async () => {
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

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect(await exited).toEqual([0, null]);
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
