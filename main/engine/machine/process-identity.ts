import { readFileSync } from 'node:fs';

/**
 * A process as more than its id: process ids are reused (a busy machine goes through 32k or 4M of
 * them), so "process 4242 is alive" does not say the process that recorded a run is. With the
 * start time, a recycled id is told from the original.
 */
export interface ProcessIdentity {
  pid: number;
  /**
   * Linux: `<boot id>:<start time in clock ticks since boot>` (field 22 of /proc/<pid>/stat; the
   * boot id makes it unique across reboots). Null where it cannot be read (other systems, a /proc
   * mounted with hidepid): then only the pid is compared.
   */
  startTime: string | null;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

let bootId: string | null | undefined;

/** State (field 3) and start time (field 22) of a Linux process, or null where /proc does not tell. */
function procStat(pid: number): { state: string; startTime: string } | null {
  bootId ??= readText('/proc/sys/kernel/random/boot_id')?.trim() || null;
  if (bootId === null) return null;
  const stat = readText(`/proc/${pid}/stat`);
  if (stat === null) return null;
  // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  const ticks = fields[22 - 3];
  if (!state || !/^\d+$/.test(ticks ?? '')) return null;
  return { state, startTime: `${bootId}:${ticks}` };
}

/** The start time of `pid` as `ProcessIdentity.startTime` gives it, or null where not readable. */
export function processStartTime(pid: number): string | null {
  return procStat(pid)?.startTime ?? null;
}

export function currentProcessIdentity(): ProcessIdentity {
  return { pid: process.pid, startTime: processStartTime(process.pid) };
}

/**
 * Whether the process `id` names is still running: its pid exists (signal 0; EPERM means it
 * exists under another user) and, where both are known, it started when `id` says. A process that
 * has exited but not yet been reaped (a zombie) is not running.
 */
export function isProcessAlive(id: ProcessIdentity): boolean {
  if (!Number.isInteger(id.pid) || id.pid <= 0) return false;
  try {
    process.kill(id.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = procStat(id.pid);
  if (now === null) return true;
  if (now.state === 'Z' || now.state === 'X') return false;
  return id.startTime === null || id.startTime === now.startTime;
}
