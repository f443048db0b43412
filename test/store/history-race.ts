import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../run/fixtures.ts';

/**
 * Processes racing to create one brand-new history, for history-race.test.ts and
 * bench/history-race.ts. Library level: long-lived workers (open-history-worker.ts) are sent the
 * same new file in one tick, so they open it as close together as processes can. CLI level:
 * `xlir history` started several times at once on a new XLIR_HOME, as a user's scripts would.
 */
export interface HistoryOpeners {
  /** Each worker opens `file`; resolves with their answers ("ok" or "error <message>"). */
  race(file: string): Promise<string[]>;
  close(): void;
}

export async function startHistoryOpeners(count: number): Promise<HistoryOpeners> {
  const workers = Array.from({ length: count }, () => {
    const child = spawn(process.execPath, [path.join(import.meta.dirname, 'open-history-worker.ts')], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    const queued: string[] = [];
    const waiting: ((line: string) => void)[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => (waiting.length > 0 ? waiting.shift()!(line) : queued.push(line)));
    child.on('exit', (code) => waiting.splice(0).forEach((resolve) => resolve(`error: worker exited with code ${code}`)));
    const next = () => (queued.length > 0 ? Promise.resolve(queued.shift()!) : new Promise<string>((resolve) => waiting.push(resolve)));
    return { child, next };
  });
  const ready = await Promise.all(workers.map((w) => w.next()));
  if (ready.some((line) => line !== 'ready')) throw new Error(`history workers did not start: ${ready.join('; ')}`);
  return {
    race(file) {
      for (const w of workers) w.child.stdin.write(`${file}\n`);
      return Promise.all(workers.map((w) => w.next()));
    },
    close: () => workers.forEach((w) => w.child.kill()),
  };
}

/** `xlir history` `count` times at once on a new XLIR_HOME: "ok", or the exit code and the first line of standard error. */
export function raceCliHistory(count: number): Promise<string[]> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-race-home-'));
  const one = () =>
    new Promise<string>((resolve) => {
      execFile(process.execPath, [path.join(repoRoot, 'main/cli/xlir.mjs'), 'history'], { env: { ...process.env, XLIR_HOME: home }, cwd: repoRoot }, (err, _stdout, stderr) => {
        resolve(err ? `error: exit ${(err as { code?: unknown }).code}: ${stderr.split('\n').find((l) => l.trim()) ?? ''}` : 'ok');
      });
    });
  return Promise.all(Array.from({ length: count }, one));
}
