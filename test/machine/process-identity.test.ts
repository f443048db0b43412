import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentProcessIdentity, isProcessAlive, processStartTime } from '../../main/engine/machine/process-identity.ts';

const linux = process.platform === 'linux';

/** A child that sleeps until killed, started from a script whose name holds spaces and parentheses. */
function sleeper(name = 'sleeper') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'xlir-proc-'));
  const script = path.join(dir, name);
  writeFileSync(script, '#!/bin/sh\nwhile :; do sleep 1; done\n');
  chmodSync(script, 0o755);
  const child = spawn(script, [], { stdio: 'ignore' });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { pid: child.pid!, kill: async () => (child.kill('SIGKILL'), await exited) };
}

describe('process identity', () => {
  it('knows this process, with its start time on Linux', () => {
    const me = currentProcessIdentity();
    expect(me.pid).toBe(process.pid);
    if (linux) expect(me.startTime).toMatch(/^[0-9a-f-]{36}:\d+$/);
    expect(isProcessAlive(me)).toBe(true);
  });

  it.runIf(linux)('reads the start time of a process whose name holds spaces and parentheses', async () => {
    const child = sleeper('a) (b c');
    try {
      const startTime = processStartTime(child.pid);
      expect(startTime).toMatch(/^[0-9a-f-]{36}:\d+$/);
      expect(startTime).not.toBe(currentProcessIdentity().startTime);
      expect(isProcessAlive({ pid: child.pid, startTime })).toBe(true);
    } finally {
      await child.kill();
    }
  });

  it('tells a process that has exited', async () => {
    const child = sleeper();
    const id = { pid: child.pid, startTime: processStartTime(child.pid) };
    expect(isProcessAlive(id)).toBe(true);
    await child.kill();
    expect(isProcessAlive(id)).toBe(false);
    expect(isProcessAlive({ pid: spawnSync(process.execPath, ['-e', '']).pid!, startTime: null })).toBe(false);
  });

  it.runIf(linux)('does not take a recycled process id for the process that had it', async () => {
    // The situation after a reboot or a wrap of the pid counter: the id is alive, but it is another process.
    const child = sleeper();
    try {
      const startTime = processStartTime(child.pid)!;
      const [boot, ticks] = startTime.split(':');
      expect(isProcessAlive({ pid: child.pid, startTime: `${boot}:${Number(ticks) - 1}` })).toBe(false);
      expect(isProcessAlive({ pid: child.pid, startTime: `00000000-0000-0000-0000-000000000000:${ticks}` })).toBe(false);
      // Where the start time was never known (other systems, older histories), only the pid counts.
      expect(isProcessAlive({ pid: child.pid, startTime: null })).toBe(true);
    } finally {
      await child.kill();
    }
  });

  it('never signals a process group for a pid of 0 or below', () => {
    for (const pid of [0, -1, Number.NaN, 1.5]) expect(isProcessAlive({ pid, startTime: null })).toBe(false);
  });
});
