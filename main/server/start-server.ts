import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { apiError } from '../app/api-error.ts';
import { createAppService, type AppService } from '../app/app-service.ts';
import { XlirError } from '../engine/errors.ts';
import { handleApi } from './api-routes.ts';
import { eventStreams } from './event-stream.ts';
import { bearerTokenValid, hostAllowed, originAllowed } from './request-guard.ts';
import { sendApiError, sendJson, sendText } from './send-response.ts';
import { defaultStaticDir, serveStatic, staticDirReady } from './static-files.ts';

export interface ServerOptions {
  /** 0 or unset: a free port. */
  port?: number;
  /** The app behind the API; unset: one of its own, closed with the server. */
  service?: AppService;
  /** The built renderer (default dist/renderer/). */
  staticDir?: string;
  /** Default: 32 random bytes, base64url. */
  token?: string;
  /** How often the event stream sends a keep-alive comment. */
  pingIntervalMs?: number;
}

export interface RunningServer {
  /** What the user opens: the token rides in the fragment, which the browser never sends anywhere. */
  url: string;
  token: string;
  port: number;
  /** Whether staticDir holds a built renderer (else every page is a 503 saying to build it). */
  staticReady: boolean;
  /** Stops accepting, lets the server's own app store its run, ends event streams and connections. */
  close(): Promise<void>;
}

const PING_INTERVAL_MS = 15_000;

/**
 * `xlir serve`'s HTTP server: the renderer and the app's API on 127.0.0.1 only, behind the host,
 * origin and token checks of request-guard.ts. The calls and events are main/contract/app-api.ts's;
 * the wire format is api-routes.ts's (calls) and event-stream.ts's (events).
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) throw new XlirError('INVALID_INPUT', 'A server token is 16 or more base64url characters.');
  const service = options.service ?? createAppService();
  const staticDir = path.resolve(options.staticDir ?? defaultStaticDir());
  const streams = eventStreams((listener) => service.onEvent(listener), options.pingIntervalMs ?? PING_INTERVAL_MS);
  let port = 0;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const pathname = (req.url ?? '/').split(/[?#]/)[0];
    const api = pathname === '/api' || pathname.startsWith('/api/');
    const deny = (status: number, code: string, message: string) => (api ? sendApiError(res, status, code, message) : sendText(res, status, `${message}\n`));
    if (!hostAllowed(req.headers.host, port)) return deny(403, 'FORBIDDEN_HOST', `Host "${req.headers.host ?? ''}" is not this server: open http://127.0.0.1:${port}/.`);
    if (!originAllowed(req.headers.origin, port)) return deny(403, 'FORBIDDEN_ORIGIN', 'Requests from other sites are refused.');
    if (!api) return serveStatic(req, res, staticDir);
    if (!bearerTokenValid(req.headers.authorization, token)) {
      return sendApiError(res, 401, 'UNAUTHORIZED', 'Missing or wrong access token: open the URL xlir serve printed (it carries the token).', { 'WWW-Authenticate': 'Bearer' });
    }
    return handleApi(req, res, pathname, service, streams);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (res.headersSent) return res.destroy();
      const { status, body } = apiError(err);
      sendJson(res, status, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(err.code === 'EADDRINUSE' ? new XlirError('PORT_IN_USE', `Port ${options.port} is in use: give another with --port, or leave it out for a free one.`) : err);
    });
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}/#token=${token}`,
    token,
    port,
    staticReady: staticDirReady(staticDir),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        // The app's own run is cancelled and stored first, so that open streams still see it end.
        if (!options.service) await service.close();
        streams.endAll();
        server.closeAllConnections();
        await stopped;
      })();
      return closing;
    },
  };
}
