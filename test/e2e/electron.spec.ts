import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { findElectronBinary } from '../../build/electron-binary.ts';
import { API_METHOD_NAMES } from '../../main/contract/api-method-names.ts';

/**
 * The desktop app itself: the built main process in a real Electron, its window, preload and IPC.
 * Needs `npm run build` and the Electron binary; where the binary is missing (npm installed the
 * package offline) every test is reported skipped with how to install it, never passed.
 */
const repoRoot = path.resolve(import.meta.dirname, '../..');
const found = findElectronBinary();
test.skip('missing' in found, 'missing' in found ? found.missing : '');
// The list reporter shows a skip without its reason: say it where people look.
if ('missing' in found) console.warn(`Electron tests skipped. ${found.missing}`);

/** This environment, less ELECTRON_RUN_AS_NODE (with it, Electron would start as a plain Node). */
function electronEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  return env;
}

let app: ElectronApplication;
let page: Page;

test.beforeAll(async () => {
  if (!('binary' in found)) return;
  for (const file of ['dist/electron/main.js', 'dist/renderer/index.html']) {
    if (!existsSync(path.join(repoRoot, file))) throw new Error(`${file} is missing: run \`npm run build\` before the Electron tests.`);
  }
  const home = mkdtempSync(path.join(os.tmpdir(), 'xlir-electron-home-'));
  app = await electron.launch({
    executablePath: found.binary,
    args: [path.join(repoRoot, 'dist/electron/main.js')],
    cwd: repoRoot,
    // The app's history and preferences in a throw-away folder, never the user's.
    env: { ...electronEnv(), XLIR_HOME: home, XLIR_CACHE_DIR: path.join(home, 'cache') },
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
});

test('opens one window on the app origin, sized for the UI', async () => {
  expect(page.url()).toBe('app://xlir/index.html');
  expect(app.windows()).toHaveLength(1);
  const bounds = await app.evaluate(({ BrowserWindow }) => {
    const [window] = BrowserWindow.getAllWindows();
    return { size: window.getSize(), min: window.getMinimumSize() };
  });
  expect(bounds.min).toEqual([1024, 700]);
  expect(bounds.size[0]).toBeGreaterThanOrEqual(1024);
});

test('exposes window.xlir with every contract method, and no Node to the page', async () => {
  const methods = (await page.evaluate('Object.keys(window.xlir).sort()')) as string[];
  expect(methods).toEqual([...API_METHOD_NAMES, 'onEvent'].sort());
  expect(await page.evaluate('typeof require')).toBe('undefined');
  expect(await page.evaluate('typeof process')).toBe('undefined');
  expect(await page.evaluate('typeof window.xlir.ipcRenderer')).toBe('undefined');
});

test('answers calls, and invalid input comes back as an INVALID_INPUT error', async () => {
  const preferences = (await page.evaluate('window.xlir.getPreferences({})')) as { theme: string };
  expect(preferences.theme).toBe('system');
  const failure = await page.evaluate("window.xlir.listRuns({ limit: -1 }).then(() => 'resolved', (e) => ({ isError: e instanceof Error, message: e.message }))");
  expect(failure).toEqual({ isError: true, message: expect.stringMatching(/^INVALID_INPUT: .*limit/) });
});

test('stays on its origin: external navigation and new windows are refused', async () => {
  await page.evaluate("window.location.href = 'https://example.com/'");
  // A refused navigation leaves no trace to wait for; a round trip through the page and IPC gives
  // the main process time to have acted on it.
  await page.evaluate('window.xlir.getPreferences({})');
  await page.waitForTimeout(500);
  expect(page.url()).toBe('app://xlir/index.html');
  expect(await page.evaluate('typeof window.xlir')).toBe('object');
  // Not http(s), so denied without a system browser opening either.
  expect(await page.evaluate("window.open('file:///etc/passwd')")).toBeNull();
  expect(app.windows()).toHaveLength(1);
});
