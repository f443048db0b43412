import type { ApiErrorBody } from '../contract/app-api.ts';

/**
 * How a call crosses Electron IPC. The main process never throws into `ipcMain.handle`: Electron
 * would turn the Error into a string ("Error invoking remote method …: Error: …") and drop its
 * code. It resolves an outcome instead, and the preload turns a failed one into a rejection.
 */
export const CALL_CHANNEL = 'xlir:call';
export const EVENT_CHANNEL = 'xlir:event';

export type CallError = ApiErrorBody['error'];
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: CallError };

/**
 * What `window.xlir` calls reject with: an Error whose message is `CODE: message`. contextBridge
 * rebuilds an Error in the page from its message alone (electron/electron#25596), so a `code`
 * property would be lost on the way; the renderer reads the code back from the message.
 */
export function callFailure(code: string, message: string): Error {
  return new Error(`${code}: ${message}`);
}

/** Runs a call in the main process and reports its result or its error (mapped by `describe`) as an outcome. */
export async function settleCall(run: () => Promise<unknown>, describe: (err: unknown) => CallError): Promise<CallOutcome> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: describe(err) };
  }
}

/** The outcome's value, or throws the failure the page sees (a malformed outcome is one too). */
export function unwrapOutcome(outcome: unknown): unknown {
  if (typeof outcome === 'object' && outcome !== null && 'ok' in outcome) {
    if (outcome.ok === true && 'value' in outcome) return outcome.value;
    if (outcome.ok === false && 'error' in outcome && isCallError(outcome.error)) throw callFailure(outcome.error.code, outcome.error.message);
  }
  throw callFailure('IPC_PROTOCOL', 'The app answered a call in a form the window does not understand; restart XLIR Bench.');
}

function isCallError(value: unknown): value is CallError {
  return typeof value === 'object' && value !== null && 'code' in value && 'message' in value && typeof value.code === 'string' && typeof value.message === 'string';
}
