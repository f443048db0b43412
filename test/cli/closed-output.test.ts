import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../main/store/open-history.ts';
import { storeResult } from '../../main/store/runs.ts';
import { repoRoot } from '../run/fixtures.ts';
import { syntheticResult } from '../store/synthetic-result.ts';

const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');

/** A history with enough runs that `xlir history` prints far more than a pipe holds. */
function busyHome(): string {
  const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-pipe-'));
  const history = openHistory({ file: path.join(home, 'history.sqlite') });
  for (let seed = 1; seed <= 60; seed++) storeResult(history.db, syntheticResult({ seed, samples: 20, models: ['a-model-with-a-long-name', 'b'] }), 'local');
  history.close();
  return home;
}

/** `xlir ARGS | head -N` in a shell: the exit status of each side and what xlir wrote to standard error. */
function pipeIntoHead(home: string, args: string[], lines = 1): Promise<{ statuses: string; stdout: string; stderr: string }> {
  const command = `"${process.execPath}" "${xlir}" ${args.join(' ')} 2>"$ERR" | head -${lines}; echo "status \${PIPESTATUS[*]}"; cat "$ERR"`;
  const err = path.join(home, 'stderr.txt');
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', command], { env: { ...process.env, XLIR_HOME: home, ERR: err } });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.on('exit', () => {
      const at = out.lastIndexOf('status ');
      const [statusLine, ...rest] = out.slice(at).split('\n');
      resolve({ statuses: statusLine.slice('status '.length), stdout: out.slice(0, at), stderr: rest.join('\n') });
    });
  });
}

describe('output into a pipe the reader has closed (xlir … | head)', () => {
  const home = busyHome();

  for (const args of [['history'], ['history', '--json'], ['show', 'last'], ['export', 'last', '--format', 'csv', '--out', '-']]) {
    it(`xlir ${args.join(' ')} | head -1 stops quietly, as other Unix tools do`, async () => {
      const { statuses, stdout, stderr } = await pipeIntoHead(home, args);
      expect(stdout.split('\n').filter(Boolean)).toHaveLength(1);
      expect(stderr).toBe('');
      // 141 = 128 + SIGPIPE: what a C tool killed by the broken pipe reports under `set -o pipefail`.
      expect(statuses).toMatch(/^(0|141) 0$/);
    });
  }

  it('writes every line when the reader reads them all', async () => {
    const { statuses, stdout, stderr } = await pipeIntoHead(home, ['history', '--limit', '60'], 1000);
    expect(stderr).toBe('');
    expect(statuses).toBe('0 0');
    expect(stdout.split('\n').filter(Boolean).length).toBeGreaterThan(60);
  });
});
