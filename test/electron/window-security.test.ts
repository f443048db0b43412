import { describe, expect, it } from 'vitest';
import { APP_INDEX_URL, APP_ORIGIN, isAppUrl } from '../../main/electron/app-origin.ts';
import { isDownloadAllowed, isNavigationAllowed, isPermissionGranted, isTrustedIpcSender, secureWebPreferences } from '../../main/electron/window-security.ts';

describe('app origin', () => {
  it('accepts the app origin and nothing that only looks like it', () => {
    expect(isAppUrl(APP_INDEX_URL)).toBe(true);
    expect(isAppUrl(`${APP_ORIGIN}/assets/index-1a2b.js?x=1#/runs`)).toBe(true);
    for (const url of [
      'app://xlir.evil.example/index.html',
      'app://evil/index.html',
      'app://user@xlir/index.html',
      'app://xlir:8080/index.html',
      'https://xlir/index.html',
      'file:///work/main/dist/renderer/index.html',
      'javascript:alert(1)',
      'about:blank',
      '',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('window security', () => {
  it('builds webPreferences from the Electron security checklist', () => {
    const prefs = secureWebPreferences('/app/dist/electron/preload.cjs');
    expect(prefs).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  it('keeps navigation on the app origin', () => {
    expect(isNavigationAllowed(`${APP_ORIGIN}/index.html#/history`)).toBe(true);
    expect(isNavigationAllowed('https://example.com/')).toBe(false);
    expect(isNavigationAllowed('file:///etc/passwd')).toBe(false);
    expect(isNavigationAllowed('app://other/index.html')).toBe(false);
  });

  it('lets through downloads of the app\'s own blobs only (the reports it exports)', () => {
    expect(isDownloadAllowed(`blob:${APP_ORIGIN}/6f1c0a52-1d2b-4a8e-9f3e-0c7d2b1a9e44`)).toBe(true);
    for (const url of ['https://example.com/a.exe', 'blob:https://example.com/1', 'blob:app://evil/1', 'blob:app://xlir.evil/1', `${APP_ORIGIN}/index.html`, 'data:application/octet-stream,x', 'file:///etc/passwd', 'blob:', '']) {
      expect(isDownloadAllowed(url), url).toBe(false);
    }
  });

  it('refuses every permission but a sanitized clipboard write from the app', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fullscreen', 'unknown']) {
      expect(isPermissionGranted(permission, APP_INDEX_URL), permission).toBe(false);
    }
    expect(isPermissionGranted('clipboard-sanitized-write', APP_ORIGIN)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://example.com')).toBe(false);
  });

  it('answers IPC only from the top frame of an app page', () => {
    expect(isTrustedIpcSender({ url: APP_INDEX_URL, isMainFrame: true })).toBe(true);
    expect(isTrustedIpcSender({ url: APP_INDEX_URL, isMainFrame: false })).toBe(false);
    expect(isTrustedIpcSender({ url: 'https://example.com/', isMainFrame: true })).toBe(false);
    expect(isTrustedIpcSender(null)).toBe(false);
  });
});
