import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { currentProcessIdentity, isProcessAlive } from '../engine/machine/process-identity.ts';

/**
 * The xlir runs active on this machine: one small file per run in `<XLIR_HOME>/active-runs/`,
 * written when a run (`xlir run`, a run of `xlir serve` or the app, `xlir calibrate`, `xlir sweep`)
 * starts and removed when it ends. The measurement-quality monitor reads it: two benchmarks on one
 * machine disturb each other's timings. A process that crashed or was killed leaves its file
 * behind; each entry names its process by pid and start time, so that a dead process — or a pid
 * the system has since given to another process — is recognised, and its entry ignored and removed.
 */
export const ActiveRunSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  kind: z.enum(['run', 'serve', 'calibrate', 'sweep']),
  pid: z.number().int().positive(),
  startTime: z.string().nullable(),
  startedAt: z.string(),
});

export type ActiveRun = z.infer<typeof ActiveRunSchema>;

const DIRECTORY = 'active-runs';

function entryFile(home: string, runId: string): string {
  if (!ActiveRunSchema.shape.runId.safeParse(runId).success) throw new RangeError(`not a run id that can name a file: ${JSON.stringify(runId)}`);
  return path.join(home, DIRECTORY, `${runId}.json`);
}

/** Registers a run of this process; `release` (idempotent) removes it. */
export function registerActiveRun(home: string, info: { runId: string; kind: ActiveRun['kind'] }): { release(): void } {
  const file = entryFile(home, info.runId);
  const { pid, startTime } = currentProcessIdentity();
  const entry: ActiveRun = { runId: info.runId, kind: info.kind, pid, startTime, startedAt: new Date().toISOString() };
  mkdirSync(path.dirname(file), { recursive: true });
  // Written aside and renamed: a reader never sees half an entry.
  const temporary = `${file}.${pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(entry));
  renameSync(temporary, file);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(file, { force: true });
    },
  };
}

/** The runs whose process is still alive; entries of dead (or replaced) processes are removed. */
export function listActiveRuns(home: string): ActiveRun[] {
  const dir = path.join(home, DIRECTORY);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const active: ActiveRun[] = [];
  // A writer killed between write and rename leaves `<runId>.json.<pid>.tmp`.
  for (const name of names) {
    const writer = /\.json\.(\d+)\.tmp$/.exec(name);
    if (writer && !isProcessAlive({ pid: Number(writer[1]), startTime: null })) rmSync(path.join(dir, name), { force: true });
  }
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue; // released while we listed
    }
    const parsed = ActiveRunSchema.safeParse(safeJson(text));
    if (parsed.success && isProcessAlive(parsed.data)) active.push(parsed.data);
    else rmSync(file, { force: true });
  }
  return active.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
