import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dataDir, repoRoot, tinyModelCopy } from '../run/fixtures.ts';

const exec = promisify(execFile);
const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');

/** The real CLI on a fresh history; never rejects. */
async function cli(args: string[]) {
  const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-options-'));
  try {
    const { stdout, stderr } = await exec(process.execPath, [xlir, ...args], { env: { ...process.env, XLIR_HOME: home }, cwd: repoRoot, timeout: 60_000 });
    return { code: 0, stdout, stderr, home };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr, home };
  }
}

/**
 * Options that once exhausted the machine (threads, batch sizes, rates) or tripped the flag parser
 * (a negative number) are refused before anything loads, with the limit and why, and leave no run
 * in the history.
 */
describe('xlir run and sweep: numeric options out of bounds', () => {
  const model = tinyModelCopy({ name: 'tiny-bounds' });
  const run = ['run', '--model', model, '--data-dir', dataDir, '--langs', 'en,de', '--max-queries', '4'];
  const cores = os.availableParallelism();

  for (const [args, message] of [
    [['--threads', '100000'], new RegExp(`--threads: must be at most ${cores}: this machine has ${cores} logical cores`)],
    [['--inter-op-threads', '100000'], /--inter-op-threads: must be at most/],
    [['--scenario', 'offline', '--batch-sizes', '1,1000000000'], /--batch-sizes: must be at most \d+: a sequence of 64 tokens takes about .* of activations in tiny-bounds \(hidden size 32\), and one batch may use half of the .* of memory free now \(got 1000000000\)/],
    [['--scenario', 'server', '--target-qps', '0.000001'], /--target-qps: must be at least 0\.1 queries\/s: a query every 10 s on average/],
    [['--encode-batch', '1000000000'], /--encode-batch: must be at most \d+: a sequence of 64 tokens/],
    [['--max-queries', '-1'], /--max-queries: must be at least 1 \(got -1\)/],
    [['--min-duration', '-3'], /--min-duration: must be at least 0 s \(got -3 s\)/],
    [['--seed=-7'], /--seed: must be at least 0 \(got -7\)/],
  ] as const) {
    it(`${args.join(' ')}: exit 2 with the limit and why, nothing recorded`, async () => {
      const r = await cli([...run, ...args]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/ambiguous|TimeoutOverflowWarning|    at /);
      expect(r.code).toBe(2);
      expect(existsSync(path.join(r.home, 'history.sqlite'))).toBe(false);
    });
  }

  it('sweep: threads by cores, batch sizes by memory, negative numbers named', async () => {
    const threads = await cli(['sweep', '--model', model, '--threads', `1,${cores + 1}`]);
    expect(threads.code).toBe(2);
    expect(threads.stderr).toMatch(new RegExp(`--threads: must be at most ${cores}`));
    const batch = await cli(['sweep', '--model', model, '--batch-sizes', '100000000']);
    expect(batch.stderr).toMatch(/--batch-sizes: must be at most \d+: a sequence of \d+ tokens/);
    const negative = await cli(['sweep', '--model', model, '--rounds', '-2']);
    expect(negative.stderr).toMatch(/--rounds: must be at least 1 \(got -2\)/);
  });
});
