import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base } from '@playwright/test';

export const repoRoot = path.resolve(import.meta.dirname, '../..');
/** The shared data folder (holds xquad-r/): XLIR_DATA_DIR where set, else ../shared/data beside the repo. */
const dataDir = process.env.XLIR_DATA_DIR ?? path.resolve(repoRoot, '../shared/data');

export interface Served {
  /** The address `xlir serve` printed, token included. */
  url: string;
  home: string;
}

/** Waits for the line `xlir serve` prints once it listens; fails with its stderr if it exits first. */
function servedUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`xlir serve printed no address within 60 s. stderr: ${err}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /XLIR Bench is serving at (http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`xlir serve exited (${code}) before serving. stderr: ${err}`));
    });
  });
}

/**
 * One real `xlir serve` per worker, with a fresh history and cache in temporary folders (never the
 * user's), stopped with SIGTERM at the end as Ctrl-C would.
 */
export const test = base.extend<object, { served: Served }>({
  served: [
    async ({}, use) => {
      const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-e2e-home-'));
      const cache = mkdtempSync(path.join(os.tmpdir(), 'xlir-e2e-cache-'));
      const child = spawn(process.execPath, ['main/cli/xlir.mjs', 'serve', '--port', '0', '--data-dir', dataDir], {
        cwd: repoRoot,
        env: { ...process.env, XLIR_HOME: home, XLIR_CACHE_DIR: cache },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      try {
        await use({ url: await servedUrl(child), home });
      } finally {
        const exited = child.exitCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
        // The cache holds generated replicas (half a gigabyte and more): not left in the temporary folder.
        rmSync(cache, { recursive: true, force: true });
      }
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
