import type { XlirApi } from '../../../main/contract/app-api.ts';
import type { ApiConnection } from './api-connection.ts';
import { createHttpApi } from './http-client.ts';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser. */
    xlir?: XlirApi;
  }
}

const TOKEN_KEY = 'xlir-token';

/**
 * The app this window talks to: `window.xlir` inside Electron, else `xlir serve` at this page's
 * origin. The server hands the token over in the address (`#token=…`); it is kept in
 * sessionStorage (it survives a reload, not the tab) and taken out of the address bar at once.
 */
export function pickApi(win: Window): ApiConnection | { error: string } {
  if (win.xlir) {
    // IPC events are never dropped: the stream is always open.
    return {
      api: win.xlir,
      transport: 'electron',
      onStreamStatus(listener) {
        listener({ state: 'open', reconnected: false });
        return () => {};
      },
    };
  }
  const fromHash = /^#token=([A-Za-z0-9_-]+)/.exec(win.location.hash)?.[1];
  if (fromHash) {
    win.sessionStorage.setItem(TOKEN_KEY, fromHash);
    win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}#/`);
  }
  const token = fromHash ?? win.sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    return { error: 'This page has no access token. Open the address `xlir serve` printed when it started (it ends in #token=…), or start the desktop app.' };
  }
  return createHttpApi({ origin: win.location.origin, token });
}
