import type { ServerResponse } from 'node:http';
import type { AppEvent } from '../contract/app-api.ts';
import { sendApiError } from './send-response.ts';

/**
 * Streams one token may hold open at once (the server has one token): a window or tab needs one,
 * and a page that opens more without end must not tie up the process.
 */
export const MAX_EVENT_STREAMS = 8;
/**
 * A client this far behind (not reading its stream) is dropped rather than buffered without end.
 * A live window reads each event at once; the largest, a batch of latency samples, is tens of kB.
 * Its page reconnects and catches up from `activeRun`.
 */
export const MAX_BACKLOG_BYTES = 4 * 2 ** 20;

export interface EventStreams {
  /**
   * Sends every app event to `res` as server-sent events, with a comment line every `pingMs` to keep
   * it open; answers 429 when the token already holds MAX_EVENT_STREAMS.
   */
  open(res: ServerResponse): void;
  /** Ends every stream (the server is closing). */
  endAll(): void;
}

/**
 * `GET /api/events`: each AppEvent as `data: <json>` (JSON has no raw line breaks, so one line).
 * Browsers read it with fetch() streaming, as EventSource cannot send the bearer header.
 */
export function eventStreams(subscribe: (listener: (event: AppEvent) => void) => () => void, pingMs: number): EventStreams {
  const open = new Set<ServerResponse>();
  return {
    open(res) {
      if (open.size >= MAX_EVENT_STREAMS) {
        return sendApiError(res, 429, 'TOO_MANY_STREAMS', `This access token already has ${MAX_EVENT_STREAMS} event streams open, the most it may: close a window or tab of XLIR Bench, then reload.`, { 'Retry-After': '5' });
      }
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      const send = (text: string) => {
        if (res.destroyed) return;
        if (res.writableLength + Buffer.byteLength(text) > MAX_BACKLOG_BYTES) res.destroy();
        else res.write(text);
      };
      // A first line at once: the client's fetch() resolves now, not at the first event.
      send(': connected\n\n');
      const unsubscribe = subscribe((event) => send(`data: ${JSON.stringify(event)}\n\n`));
      const ping = setInterval(() => send(': ping\n\n'), pingMs);
      open.add(res);
      res.on('close', () => {
        unsubscribe();
        clearInterval(ping);
        open.delete(res);
      });
    },
    endAll() {
      for (const res of open) res.end();
    },
  };
}
