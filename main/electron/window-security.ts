import type { WebPreferences } from 'electron';
import { isAppUrl } from './app-origin.ts';

/**
 * What the desktop window may do, as plain decisions main.ts wires into Electron's hooks (and the
 * tests check without Electron). The page is our own bundle, but anything it renders comes from
 * model folders, datasets and imported reports, so it is treated like untrusted web content:
 * no Node, no navigation away, no new windows and no links handed to the system browser (the app
 * has none to open), no downloads but its own exports, no permissions, no remote requests, and no
 * folder it may name that the user did not pick or configure (main/app/folder-access.ts).
 */

/** Electron's security checklist: isolated, sandboxed, no Node, web security on, nothing experimental. */
export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    // A file dropped on the window would otherwise replace the app with file:// content.
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/** The window stays on the app's origin: links and redirects elsewhere are cancelled (will-navigate, will-redirect). */
export function isNavigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/**
 * Downloads are cancelled unless the page made the file itself: an exported report, handed over as
 * a Blob of the app's own origin (`blob:app://xlir/…`). Nothing from the network, another origin,
 * a data: URL or a file: path is ever saved. The user picks where it goes (a save dialog).
 */
export function isDownloadAllowed(url: string): boolean {
  return url.startsWith('blob:') && isAppUrl(url.slice('blob:'.length));
}

/**
 * Every permission (camera, notifications, geolocation, …) is refused, except writing sanitized
 * text to the clipboard from our own page: "copy" buttons in the UI use it, and it reads nothing.
 */
export function isPermissionGranted(permission: string, requestingUrl: string): boolean {
  return permission === 'clipboard-sanitized-write' && isAppUrl(requestingUrl);
}

/** Requests the session cancels outright: the app loads nothing from the network. */
export const REMOTE_URL_PATTERNS = ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'];

/** IPC is answered only for the top frame of a page on the app's origin (not a subframe, not another site). */
export function isTrustedIpcSender(frame: { url: string; isMainFrame: boolean } | null): boolean {
  return frame !== null && frame.isMainFrame && isAppUrl(frame.url);
}
