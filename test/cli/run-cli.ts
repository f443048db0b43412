import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../run/fixtures.ts';

const exec = promisify(execFile);
const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');

/** Runs the real CLI in a child process; resolves with its exit code and output, never rejects. */
export async function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [xlir, ...args], { env: { ...process.env, ...env }, cwd: repoRoot, maxBuffer: 64 * 2 ** 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
