import { fileURLToPath } from 'node:url';
import { BrowserWindow, app, dialog, ipcMain, protocol, session, type WebContents } from 'electron';
import { apiError } from '../app/api-error.ts';
import { createAppService, type AppService } from '../app/app-service.ts';
import type { AppEvent, FolderPurpose } from '../contract/app-api.ts';
import { APP_INDEX_URL, APP_SCHEME } from './app-origin.ts';
import { serveAppRequest } from './app-protocol.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, settleCall, type CallOutcome } from './ipc-envelope.ts';
import { isDownloadAllowed, isNavigationAllowed, isPermissionGranted, isTrustedIpcSender, REMOTE_URL_PATTERNS, secureWebPreferences } from './window-security.ts';

/**
 * The desktop app's main process: one window showing the renderer, the app service behind it.
 * This module runs only bundled (build/build-electron.ts), so the files it names sit beside
 * dist/electron/main.js: the preload next to it, the renderer in dist/renderer.
 *
 * Benchmarks run in the worker thread startBenchmark starts, never on this thread: the window's
 * IPC stays responsive during a run, and measured code does not share this event loop. A utility
 * process would add a second IPC hop and a second Node runtime for no more responsiveness. What it
 * would add, the window surviving a native crash in ONNX Runtime, matters less here: a run is
 * recorded as it goes, and one killed mid-way stays in the history, readable, as incomplete.
 */
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));
const PRELOAD_FILE = fileURLToPath(new URL('./preload.cjs', import.meta.url));

// Before `ready`: a standard, secure scheme gives the page a real origin (app://xlir) for 'self'
// in the CSP and for storage. corsEnabled stays off, so no other origin can read our files.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
// Every renderer sandboxed, whatever a window's options say.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  // A second start focuses the window of the first (second-instance below) and leaves.
  app.quit();
} else {
  start();
}

function start(): void {
  let service: AppService | undefined;
  let window: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!window || window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // Every web contents (the window, and any a bug or a page tried to create) gets the same guards.
  app.on('web-contents-created', (_event, contents) => guardContents(contents));
  app.on('window-all-closed', () => {
    // macOS apps stay in the dock with no window; `activate` opens one again.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0 && service) window = createWindow();
  });

  // Quitting waits for the service: a run in progress is cancelled and stored, the history closed.
  let closed = false;
  app.on('will-quit', (event) => {
    if (closed || !service) return;
    event.preventDefault();
    const closing = service;
    service = undefined;
    closing
      .close()
      .catch((err: unknown) => process.stderr.write(`XLIR Bench could not close the history cleanly: ${(err as Error).message}\n`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  void app.whenReady().then(() => {
    secureSession();
    protocol.handle(APP_SCHEME, (request) => serveAppRequest(request, RENDERER_DIR));
    // Pages name only folders the user picked in this dialog or configured (folder-access.ts).
    const appService = createAppService({ confineFolders: true, pickFolder: (purpose) => pickFolder(window, purpose) });
    service = appService;
    ipcMain.handle(CALL_CHANNEL, (event, method: unknown, input: unknown) => {
      const frame = event.senderFrame;
      if (!isTrustedIpcSender(frame && { url: frame.url, isMainFrame: frame.parent === null })) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'Only the XLIR Bench window may call the app.' } } satisfies CallOutcome;
      }
      return settleCall(() => appService.call(String(method), input), (err) => apiError(err).body.error);
    });
    appService.onEvent((appEvent) => broadcast(appEvent));
    window = createWindow();
  }).catch((err: unknown) => {
    // Otherwise the app would linger with no window and no word of why.
    dialog.showErrorBox('XLIR Bench could not start', `${(err as Error).message ?? String(err)}\n\nThe same UI also runs in a browser: xlir serve.`);
    app.exit(1);
  });
}

/** Denies everything a page could ask the session for, and any request to the network. */
function secureSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((contents, permission, callback, details) => callback(isPermissionGranted(permission, details.requestingUrl ?? contents?.getURL() ?? '')));
  ses.setPermissionCheckHandler((_contents, permission, requestingOrigin) => isPermissionGranted(permission, requestingOrigin));
  ses.setDevicePermissionHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: REMOTE_URL_PATTERNS }, (_details, callback) => callback({ cancel: true }));
  ses.on('will-download', (event, item) => {
    if (!isDownloadAllowed(item.getURL())) return event.preventDefault();
    // No save path set: Electron asks the user where to save.
    item.setSaveDialogOptions({ title: 'Save the report', defaultPath: item.getFilename() });
  });
}

const FOLDER_DIALOG_TITLES: Record<FolderPurpose, string> = {
  'model-folder': 'Choose a model folder',
  'data-folder': 'Choose the data folder (the one that holds xquad-r/)',
  'dataset-folder': 'Choose the folder with the dataset files',
  'embeddings-folder': 'Choose where to save embeddings',
};

/** The native folder dialog, over the window when there is one; null when cancelled. */
async function pickFolder(window: BrowserWindow | undefined, purpose: FolderPurpose): Promise<string | null> {
  const options = { title: FOLDER_DIALOG_TITLES[purpose], properties: ['openDirectory', 'createDirectory'] as ('openDirectory' | 'createDirectory')[] };
  const picked = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
  return picked.canceled || picked.filePaths.length === 0 ? null : picked.filePaths[0];
}

function guardContents(contents: WebContents): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // The top frame, any subframe and server redirects alike stay on the app's origin.
  const refuseForeign = (event: { url: string; preventDefault(): void }) => {
    if (!isNavigationAllowed(event.url)) event.preventDefault();
  };
  contents.on('will-navigate', refuseForeign);
  contents.on('will-frame-navigate', refuseForeign);
  contents.on('will-redirect', refuseForeign);
  // No new windows, and nothing handed to the system browser: the UI has no external link.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    title: 'XLIR Bench',
    show: false,
    webPreferences: secureWebPreferences(PRELOAD_FILE),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_INDEX_URL);
  return window;
}

function broadcast(appEvent: AppEvent): void {
  for (const window of BrowserWindow.getAllWindows()) {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, appEvent);
  }
}
