import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildElectron } from '../../build/build-electron.ts';
import { APP_CONTENT_SECURITY_POLICY } from '../../main/contract/content-security-policy.ts';
import type { AppEvent, AppModelListing } from '../../main/contract/app-api.ts';
import type { StoredRun } from '../../main/store/run-queries.ts';
import { dataDir, quickConfig, repoRoot, tinyEncoderDir } from '../run/fixtures.ts';

/**
 * The bundled main process (dist/electron/main.js) loaded with a stand-in for the 'electron'
 * module, which records what main.js asks of Electron and lets the test play Electron's part:
 * fire `ready`, call the protocol and IPC handlers, create web contents, quit. Everything behind
 * those hooks (file serving, the app service, the benchmark worker) is the real code.
 */
type Listener = (...args: any[]) => unknown;

const electron = vi.hoisted(() => {
  const state = {
    appListeners: new Map<string, Listener[]>(),
    windows: [] as FakeWindow[],
    privileged: [] as unknown[],
    protocolHandlers: new Map<string, Listener>(),
    ipcHandlers: new Map<string, Listener>(),
    session: {} as { request?: Listener; check?: Listener; device?: Listener; beforeRequest?: [{ urls: string[] }, Listener]; willDownload?: Listener },
    opened: [] as string[],
    errors: [] as string[],
    /** What the native folder dialog answers next, and the options it was opened with. */
    dialogAnswer: { canceled: true, filePaths: [] as string[] },
    dialogs: [] as unknown[],
    quits: 0,
  };
  class FakeWindow {
    readonly options: any;
    readonly loaded: string[] = [];
    readonly sent: [string, unknown][] = [];
    readonly webContents = { send: (channel: string, payload: unknown) => this.sent.push([channel, payload]) };
    constructor(options: any) {
      this.options = options;
      state.windows.push(this);
    }
    once() {}
    isDestroyed() {
      return false;
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    static getAllWindows() {
      return state.windows;
    }
  }
  const module = {
    app: {
      enableSandbox: () => {},
      requestSingleInstanceLock: () => true,
      quit: () => {
        state.quits += 1;
      },
      on: (name: string, listener: Listener) => state.appListeners.set(name, [...(state.appListeners.get(name) ?? []), listener]),
      whenReady: () => Promise.resolve(),
    },
    BrowserWindow: FakeWindow,
    ipcMain: { handle: (channel: string, handler: Listener) => state.ipcHandlers.set(channel, handler) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => state.privileged.push(...schemes),
      handle: (scheme: string, handler: Listener) => state.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Listener) => (state.session.request = handler),
        setPermissionCheckHandler: (handler: Listener) => (state.session.check = handler),
        setDevicePermissionHandler: (handler: Listener) => (state.session.device = handler),
        webRequest: { onBeforeRequest: (filter: { urls: string[] }, handler: Listener) => (state.session.beforeRequest = [filter, handler]) },
        on: (name: string, handler: Listener) => {
          if (name === 'will-download') state.session.willDownload = handler;
        },
      },
    },
    shell: { openExternal: (url: string) => (state.opened.push(url), Promise.resolve()) },
    dialog: {
      showErrorBox: (title: string, content: string) => state.errors.push(`${title}: ${content}`),
      showOpenDialog: (...args: unknown[]) => (state.dialogs.push(args.at(-1)), Promise.resolve(state.dialogAnswer)),
    },
  };
  return Object.assign(state, { module });
});
vi.mock('electron', () => electron.module);

// dist/ as in the repo, one level deeper: a bundled module that looked for files relative to the
// bundle instead of its source would miss them here.
const base = path.join(repoRoot, 'test-output', `electron-main-${process.pid}`);
const outdir = path.join(base, 'dist', 'electron');
const fire = (name: string, ...args: unknown[]) => (electron.appListeners.get(name) ?? []).map((listener) => listener(...args));
const appFrame = { url: 'app://xlir/index.html', parent: null };
const call = (frame: unknown, method: string, input: unknown) => electron.ipcHandlers.get('xlir:call')!({ senderFrame: frame }, method, input) as Promise<any>;

beforeAll(async () => {
  await buildElectron(outdir);
  // main.js serves ../renderer beside itself.
  mkdirSync(path.join(base, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(base, 'dist', 'renderer', 'index.html'), '<!doctype html><title>XLIR Bench</title>');
  await import(pathToFileURL(path.join(outdir, 'main.js')).href);
  // main.js acts on `ready` in a then(): let it run.
  await vi.waitFor(() => expect(electron.windows).toHaveLength(1));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('the bundled main process', () => {
  it('starts without an error box', () => {
    expect(electron.errors).toEqual([]);
  });

  it('registers app:// as a secure standard scheme before ready, without CORS', () => {
    expect(electron.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  });

  it('opens one sandboxed, isolated window on app://xlir with the bundled preload', () => {
    const [window] = electron.windows;
    expect(window.options).toMatchObject({ width: 1280, height: 800, minWidth: 1024, minHeight: 700 });
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false });
    expect(window.options.webPreferences.preload).toBe(path.join(outdir, 'preload.cjs'));
    expect(window.loaded).toEqual(['app://xlir/index.html']);
  });

  it('serves the renderer beside the bundle under the CSP', async () => {
    const response = (await electron.protocolHandlers.get('app')!(new Request('app://xlir/index.html'))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(APP_CONTENT_SECURITY_POLICY);
    expect(await response.text()).toContain('<title>XLIR Bench</title>');
  });

  it('denies permissions and cancels network requests', () => {
    const answers: boolean[] = [];
    electron.session.request!({ getURL: () => 'app://xlir/index.html' }, 'media', (granted: boolean) => answers.push(granted), { requestingUrl: 'app://xlir/index.html' });
    expect(answers).toEqual([false]);
    expect(electron.session.check!(null, 'geolocation', 'app://xlir')).toBe(false);
    expect(electron.session.device!({})).toBe(false);
    const [filter, handler] = electron.session.beforeRequest!;
    expect(filter.urls).toContain('https://*/*');
    const decisions: unknown[] = [];
    handler({ url: 'https://example.com/' }, (decision: unknown) => decisions.push(decision));
    expect(decisions).toEqual([{ cancel: true }]);
  });

  it('guards every web contents: no navigation away, no new windows, no webviews', () => {
    const on = new Map<string, Listener>();
    let openHandler: Listener | undefined;
    fire('web-contents-created', {}, { on: (name: string, listener: Listener) => on.set(name, listener), setWindowOpenHandler: (h: Listener) => (openHandler = h) });
    const attempt = (name: string, url: string) => {
      const event = { url, prevented: false, preventDefault: () => (event.prevented = true) };
      on.get(name)!(event);
      return event.prevented;
    };
    expect(attempt('will-navigate', 'https://example.com/')).toBe(true);
    expect(attempt('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(attempt('will-frame-navigate', 'https://example.com/frame')).toBe(true);
    expect(attempt('will-navigate', 'app://xlir/index.html#/history')).toBe(false);
    expect(attempt('will-attach-webview', 'app://xlir/index.html')).toBe(true);
    // No new window, and no link handed to the system browser either: the app has none to open.
    for (const url of ['https://github.com/', 'https://evil.example/phish', 'file:///etc/passwd', 'app://xlir/index.html']) expect(openHandler!({ url })).toEqual({ action: 'deny' });
    expect(electron.opened).toEqual([]);
  });

  it('lets through only the downloads the app makes itself (exports), each to a place the user picks', () => {
    const attempt = (url: string) => {
      const event = { prevented: false, preventDefault: () => (event.prevented = true) };
      const item = { getURL: () => url, getFilename: () => 'xlir-1a2b3c4d.html', dialogOptions: undefined as unknown, setSaveDialogOptions: (o: unknown) => (item.dialogOptions = o) };
      electron.session.willDownload!(event, item, {});
      return { prevented: event.prevented, dialogOptions: item.dialogOptions };
    };
    for (const url of ['https://evil.example/x.exe', 'http://127.0.0.1:8080/a', 'file:///etc/passwd', 'data:text/html,hi', 'blob:https://evil.example/1', 'app://xlir/index.html']) {
      expect(attempt(url).prevented, url).toBe(true);
    }
    expect(attempt('blob:app://xlir/6f1c0a52-1d2b-4a8e-9f3e-0c7d2b1a9e44')).toEqual({ prevented: false, dialogOptions: { title: 'Save the report', defaultPath: 'xlir-1a2b3c4d.html' } });
  });

  it('answers IPC from the app frame only, with outcomes', async () => {
    expect(await call(appFrame, 'getPreferences', {})).toMatchObject({ ok: true, value: { theme: 'system' } });
    expect(await call(appFrame, 'listRuns', { limit: -1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    for (const frame of [null, { url: 'https://example.com/', parent: null }, { url: 'app://xlir/index.html', parent: appFrame }]) {
      expect(await call(frame, 'getPreferences', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
  });

  it('finds the bundled models beside the sources, as the CLI does', async () => {
    const models = (await call(appFrame, 'listModels', {})).value as AppModelListing[];
    expect(models.flatMap((m) => (m.source === 'bundled' && m.ok ? [m.name] : []))).toEqual(expect.arrayContaining(['xlir-bridge-baseline', 'xlir-bridge-hybrid']));
  });

  it('reads only folders picked in the native dialog or configured', async () => {
    expect(await call(appFrame, 'startRun', { config: quickConfig([tinyEncoderDir]) })).toMatchObject({ ok: false, error: { code: 'FOLDER_NOT_ALLOWED' } });
    electron.dialogAnswer = { canceled: true, filePaths: [] };
    expect(await call(appFrame, 'pickFolder', { purpose: 'model-folder' })).toEqual({ ok: true, value: { path: null } });
    expect(electron.dialogs.at(-1)).toMatchObject({ title: 'Choose a model folder', properties: expect.arrayContaining(['openDirectory']) });
    for (const [purpose, dir] of [['model-folder', tinyEncoderDir], ['data-folder', dataDir]] as const) {
      electron.dialogAnswer = { canceled: false, filePaths: [dir] };
      expect(await call(appFrame, 'pickFolder', { purpose })).toEqual({ ok: true, value: { path: dir } });
    }
  });

  it('runs a benchmark in the bundled worker and sends its events to the window', async () => {
    const started = await call(appFrame, 'startRun', { config: quickConfig([tinyEncoderDir]) });
    expect(started).toMatchObject({ ok: true, value: { runId: expect.any(String) } });
    const events = () => electron.windows[0].sent.filter(([channel]) => channel === 'xlir:event').map(([, event]) => event as AppEvent);
    await vi.waitFor(() => expect(events().at(-1)?.type).toMatch(/run-finished|run-failed/), { timeout: 60_000, interval: 100 });
    expect(events()[0]).toMatchObject({ type: 'run-started', runId: started.value.runId });
    expect(events().at(-1)).toEqual({ type: 'run-finished', runId: started.value.runId, status: 'completed' });
    // tool-version.ts reads ../../../package.json beside its source: the bundle still finds it.
    const stored = (await call(appFrame, 'getRun', { ref: started.value.runId })).value as StoredRun;
    expect(stored.result?.tool.version).toBe(JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
  });

  it('on quit, closes the app service first, then quits', async () => {
    const event = { prevented: false, preventDefault: () => (event.prevented = true) };
    fire('will-quit', event);
    expect(event.prevented).toBe(true);
    await vi.waitFor(() => expect(electron.quits).toBe(1));
    expect(await call(appFrame, 'startRun', { config: quickConfig([tinyEncoderDir]) })).toMatchObject({ ok: false, error: { code: 'APP_CLOSED' } });
    // The second will-quit (from that quit) goes through.
    const again = { prevented: false, preventDefault: () => (again.prevented = true) };
    fire('will-quit', again);
    expect(again.prevented).toBe(false);
  });
});
