import { execFile, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { openHistory } from '../../main/store/open-history.ts';
import { loadRun, type RunListing } from '../../main/store/run-queries.ts';
import { dataDir, repoRoot, tinyModelCopy } from '../run/fixtures.ts';
import { waitForHistory } from '../store/temp-history.ts';

const exec = promisify(execFile);
const xlir = path.join(repoRoot, 'main/cli/xlir.mjs');

/**
 * `timeout`, systemd and `docker stop` send SIGTERM; a closed terminal sends SIGHUP. Either must
 * end `xlir run` as Ctrl-C does: the run cancelled after the query in flight and stored whole.
 */
describe('xlir run stopped by a signal', () => {
  const model = tinyModelCopy({ name: 'tiny-signals' });
  const args = ['run', '--model', model, '--data-dir', dataDir, '--langs', 'en,de', '--max-queries', '4', '--warmup', '1', '--min-queries', '1000000', '--min-duration', '600', '--bootstrap', '100', '--no-roofline'];

  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal}: cancels, stores the run with its quality and latency, and exits ${code}`, async () => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-signal-'));
      const child = spawn(process.execPath, [xlir, ...args], { env: { ...process.env, XLIR_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      const file = path.join(home, 'history.sqlite');
      expect(await waitForHistory(file, (runs) => (runs[0]?.models[0]?.samples ?? 0) > 0)).toBe(true);
      child.kill(signal);
      expect(await exited).toBe(code);

      const [run] = JSON.parse((await exec(process.execPath, [xlir, 'history', '--json'], { env: { ...process.env, XLIR_HOME: home } })).stdout) as RunListing[];
      expect(run.state).toBe('cancelled');
      const history = openHistory({ file });
      const stored = loadRun(history.db, run.id).result!;
      history.close();
      expect(stored.status).toBe('cancelled');
      expect(stored.models[0].quality!.multilingual.map).toBeGreaterThan(0);
      expect(stored.lexicalFloor).not.toBeNull();
      expect(stored.models[0].latency.scenario === 'single-stream' && stored.models[0].latency.samples.length).toBeGreaterThan(0);
      expect(stdout).toContain(`Saved in the history as ${run.id.slice(0, 8)}`);
    });
  }
});
