import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { API_METHOD_NAMES } from '../contract/api-method-names.ts';
import type { ApiMethod, AppEvent, XlirApi } from '../contract/app-api.ts';
import { CALL_CHANNEL, EVENT_CHANNEL, callFailure, unwrapOutcome } from './ipc-envelope.ts';

/**
 * The window's only door to the app: `window.xlir`, the contract's methods and events over IPC.
 * Runs sandboxed and context-isolated, bundled to one CommonJS file (a sandboxed preload cannot
 * load modules); the page never sees ipcRenderer, an IPC event object or anything of Node.
 */

async function call(method: ApiMethod, input: unknown): Promise<unknown> {
  let outcome: unknown;
  try {
    outcome = await ipcRenderer.invoke(CALL_CHANNEL, method, input);
  } catch (err) {
    // The main process answers every call with an outcome; a rejection means IPC itself failed.
    throw callFailure('IPC_FAILED', `The call to ${method} did not reach the app (${(err as Error).message}); restart XLIR Bench.`);
  }
  return unwrapOutcome(outcome);
}

const api = {
  ...Object.fromEntries(API_METHOD_NAMES.map((method) => [method, (input: unknown) => call(method, input)])),
  onEvent(listener: (event: AppEvent) => void): () => void {
    const forward = (_event: IpcRendererEvent, appEvent: AppEvent) => listener(appEvent);
    ipcRenderer.on(EVENT_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(EVENT_CHANNEL, forward);
    };
  },
} as XlirApi;

contextBridge.exposeInMainWorld('xlir', api);
