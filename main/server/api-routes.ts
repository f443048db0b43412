import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiError } from '../app/api-error.ts';
import type { AppService } from '../app/app-service.ts';
import type { EventStreams } from './event-stream.ts';
import { readJsonBody } from './read-body.ts';
import { sendApiError, sendJson } from './send-response.ts';

const MiB = 2 ** 20;
/** importReport carries a report of up to 200 MiB as a JSON string (escapes add a little). */
const IMPORT_BODY_LIMIT = 210 * MiB;
const BODY_LIMIT = 1 * MiB;

/**
 * `/api/*` once the request has passed the host, origin and token checks:
 * `POST /api/call/<method>` (body: the input; answer: the output or an ApiErrorBody) and
 * `GET /api/events` (the app's events as server-sent events).
 */
export async function handleApi(req: IncomingMessage, res: ServerResponse, pathname: string, service: AppService, streams: EventStreams): Promise<void> {
  if (pathname === '/api/events') {
    if (req.method !== 'GET') return sendApiError(res, 405, 'METHOD_NOT_ALLOWED', 'The event stream is read with GET.', { Allow: 'GET' });
    return streams.open(res);
  }
  const call = /^\/api\/call\/([^/]+)$/.exec(pathname);
  if (!call) return sendApiError(res, 404, 'NOT_FOUND', `No ${pathname} here: calls are POST /api/call/<method>, events GET /api/events.`);
  if (req.method !== 'POST') return sendApiError(res, 405, 'METHOD_NOT_ALLOWED', 'Calls are made with POST.', { Allow: 'POST' });
  const method = call[1];
  try {
    const input = await readJsonBody(req, method === 'importReport' ? IMPORT_BODY_LIMIT : BODY_LIMIT);
    sendJson(res, 200, await service.call(method, input));
  } catch (err) {
    const { status, body } = apiError(err);
    // A body refused half-read: the rest of it is not read, so the connection cannot be reused.
    sendJson(res, status, body, status === 413 ? { Connection: 'close' } : {});
  }
}
