import type { WebPreferences } from 'electron';
import { isAppUrl } from './app-origin.ts';

/**
 * What the desktop window may do, as plain decisions main.ts wires into Electron's hooks (and the
 * tests check without Electron). The page is our own bundle, but anything it renders comes from
 * model folders, datasets and imported reports, so it is treated like untrusted web content:
 * no Node, no navigation away, no new windows, no permissions, no remote requests.
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
 * New windows are always denied; an http(s) link opened in a new window (target=_blank,
 * window.open) goes to the system browser instead. Returns the URL to hand to the OS, or null
 * for every other scheme (file:, javascript:, custom handlers) so nothing else is ever launched.
 */
export function externalBrowserUrl(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : null;
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
