import { API_METHOD_NAMES } from '../../../main/contract/api-method-names.ts';
import type { ApiErrorBody, ApiMethod, AppEvent, XlirApi } from '../../../main/contract/app-api.ts';
import { ApiCallError } from './api-call-error.ts';
import type { ApiConnection, StreamStatus } from './api-connection.ts';
import { SseParser } from './sse-parser.ts';

/** Waits between reconnection attempts of the event stream: quick at first, then every 5 s. */
const RETRY_DELAYS_MS = [250, 500, 1000, 2000, 5000];

export interface HttpApiOptions {
  /** `http://127.0.0.1:PORT`, where `xlir serve` listens. */
  origin: string;
  token: string;
  fetch?: typeof fetch;
}

function unreachable(origin: string, err: unknown): ApiCallError {
  return new ApiCallError('UNREACHABLE', `The app at ${origin} did not answer (${(err as Error).message}). Is \`xlir serve\` still running? Start it again and open the address it prints.`);
}

async function failure(response: Response): Promise<ApiCallError> {
  if (response.status === 401) {
    return new ApiCallError('UNAUTHORIZED', 'The server refused this page’s access token: it changes each time `xlir serve` starts. Open the address it printed last (the one ending in #token=…).', 401);
  }
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as ApiErrorBody;
    if (body?.error?.message) return new ApiCallError(body.error.code, body.error.message, response.status);
  } catch {
    // Not the server's JSON error: say what came back instead.
  }
  return new ApiCallError(`HTTP_${response.status}`, `The server answered ${response.status} ${response.statusText}${text ? `: ${text.slice(0, 300)}` : ''}`, response.status);
}

/**
 * `XlirApi` over `xlir serve`: each call a `POST /api/call/<method>`, events from `GET /api/events`
 * read with streaming fetch (an EventSource cannot send the token) and reopened whenever it
 * breaks. After a reopen, `onStreamStatus` says `reconnected`: events sent meanwhile are lost, and
 * the live view fetches the active run again.
 */
export function createHttpApi(options: HttpApiOptions): ApiConnection {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = { Authorization: `Bearer ${options.token}` };

  async function call(method: ApiMethod, input: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await doFetch(`${options.origin}/api/call/${method}`, {
        method: 'POST',
        headers: { ...headers, 'Content-Type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
    } catch (err) {
      throw unreachable(options.origin, err);
    }
    if (!response.ok) throw await failure(response);
    return response.json();
  }

  const eventListeners = new Set<(event: AppEvent) => void>();
  const statusListeners = new Set<(status: StreamStatus) => void>();
  let status: StreamStatus = { state: 'connecting', reconnected: false };
  let stream: AbortController | null = null;

  const setStatus = (next: StreamStatus) => {
    status = next;
    for (const listener of statusListeners) listener(next);
  };

  async function readStream(signal: AbortSignal): Promise<void> {
    let everOpen = false;
    for (let attempt = 0; !signal.aborted; attempt++) {
      let error: string;
      try {
        const response = await doFetch(`${options.origin}/api/events`, { headers, signal, cache: 'no-store' });
        if (!response.ok || !response.body) throw await failure(response);
        setStatus({ state: 'open', reconnected: everOpen });
        everOpen = true;
        attempt = 0;
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        const parser = new SseParser();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          for (const data of parser.push(value)) {
            const event = JSON.parse(data) as AppEvent;
            for (const listener of eventListeners) listener(event);
          }
        }
        error = 'the server closed the event stream';
      } catch (err) {
        if (signal.aborted) return;
        error = err instanceof ApiCallError ? err.message : unreachable(options.origin, err).message;
      }
      if (signal.aborted) return;
      setStatus({ state: 'retrying', error, reconnected: false });
      await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length - 1)]));
    }
  }

  const api = Object.fromEntries(API_METHOD_NAMES.map((method) => [method, (input: unknown) => call(method, input)])) as unknown as XlirApi;
  api.onEvent = (listener) => {
    eventListeners.add(listener);
    if (!stream) {
      stream = new AbortController();
      void readStream(stream.signal);
    }
    return () => {
      eventListeners.delete(listener);
      if (eventListeners.size === 0 && stream) {
        stream.abort();
        stream = null;
        setStatus({ state: 'connecting', reconnected: false });
      }
    };
  };

  return {
    api,
    transport: 'http',
    onStreamStatus(listener) {
      statusListeners.add(listener);
      listener(status);
      return () => statusListeners.delete(listener);
    },
  };
}
