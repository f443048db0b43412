import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentProcessIdentity } from '../../main/engine/machine/process-identity.ts';
import { listActiveRuns, registerActiveRun } from '../../main/store/active-runs.ts';

const home = () => mkdtempSync(path.join(os.tmpdir(), 'xlir-active-'));
const entryDir = (h: string) => path.join(h, 'active-runs');

/** A process that has exited: its pid is free (or, later, someone else's). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the active-runs registry', () => {
  it('lists a registered run with this process as its owner, until it is released', () => {
    const h = home();
    const registration = registerActiveRun(h, { runId: 'run-1', kind: 'calibrate' });
    const [entry, ...rest] = listActiveRuns(h);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ runId: 'run-1', kind: 'calibrate', pid: process.pid, startTime: currentProcessIdentity().startTime });
    expect(Date.parse(entry.startedAt)).toBeGreaterThan(0);
    registration.release();
    registration.release(); // twice is harmless
    expect(listActiveRuns(h)).toEqual([]);
  });

  it('lists several runs oldest first; an empty or missing folder lists none', () => {
    const h = home();
    expect(listActiveRuns(h)).toEqual([]);
    registerActiveRun(h, { runId: 'now', kind: 'run' });
    const { pid, startTime } = currentProcessIdentity();
    writeFileSync(path.join(entryDir(h), 'older.json'), JSON.stringify({ runId: 'older', kind: 'sweep', pid, startTime, startedAt: '2026-01-01T00:00:00.000Z' }));
    expect(listActiveRuns(h).map((r) => r.runId)).toEqual(['older', 'now']);
  });

  it("ignores and removes the entry of a process that died without releasing it", async () => {
    const h = home();
    mkdirSync(entryDir(h), { recursive: true });
    const pid = await deadPid();
    writeFileSync(path.join(entryDir(h), 'crashed.json'), JSON.stringify({ runId: 'crashed', kind: 'run', pid, startTime: null, startedAt: '2026-01-01T00:00:00Z' }));
    expect(listActiveRuns(h)).toEqual([]);
    expect(existsSync(path.join(entryDir(h), 'crashed.json'))).toBe(false);
  });

  it('ignores an entry whose pid now belongs to another process (pid reuse, told by the start time)', () => {
    const h = home();
    mkdirSync(entryDir(h), { recursive: true });
    const me = currentProcessIdentity();
    const reused = { runId: 'reused', kind: 'serve', pid: process.pid, startTime: me.startTime === null ? null : `${me.startTime}0`, startedAt: '2026-01-01T00:00:00Z' };
    writeFileSync(path.join(entryDir(h), 'reused.json'), JSON.stringify(reused));
    if (me.startTime === null) {
      // Without /proc the start time is unknown: the pid alone decides, and it is alive.
      expect(listActiveRuns(h).map((r) => r.runId)).toEqual(['reused']);
    } else {
      expect(listActiveRuns(h)).toEqual([]);
      expect(readdirSync(entryDir(h))).toEqual([]);
    }
  });

  it('removes damaged entries and the leftovers of a writer killed before its rename', async () => {
    const h = home();
    mkdirSync(entryDir(h), { recursive: true });
    writeFileSync(path.join(entryDir(h), 'garbage.json'), '{"runId": ');
    writeFileSync(path.join(entryDir(h), 'wrong.json'), JSON.stringify({ runId: 'wrong', kind: 'dance', pid: process.pid }));
    const dead = await deadPid();
    writeFileSync(path.join(entryDir(h), `half.json.${dead}.tmp`), '{');
    writeFileSync(path.join(entryDir(h), `mine.json.${process.pid}.tmp`), '{');
    expect(listActiveRuns(h)).toEqual([]);
    expect(readdirSync(entryDir(h))).toEqual([`mine.json.${process.pid}.tmp`]);
  });

  it('refuses a run id that cannot safely name a file', () => {
    expect(() => registerActiveRun(home(), { runId: '../escape', kind: 'run' })).toThrow(RangeError);
    expect(() => registerActiveRun(home(), { runId: '', kind: 'run' })).toThrow(RangeError);
  });
});
