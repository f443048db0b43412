import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../main/app/app-service.ts';
import type { AppEvent } from '../../main/contract/app-api.ts';
import { APP_CONTENT_SECURITY_POLICY } from '../../main/contract/content-security-policy.ts';
import { MAX_EVENT_STREAMS } from '../../main/server/event-stream.ts';
import { startServer, type RunningServer } from '../../main/server/start-server.ts';
import { quickConfig, tinyEncoderDir } from '../run/fixtures.ts';

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `xlir-server-${name}-`));
const SECRET = 'not-for-the-browser';

/** A built-renderer stand-in, with a secret file beside it that no request may reach. */
function staticFixture(): string {
  const root = tmp('static');
  const dir = path.join(root, 'renderer');
  mkdirSync(path.join(dir, 'assets'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>XLIR</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(path.join(dir, 'assets', 'app.js'), 'console.log("xlir");');
  writeFileSync(path.join(dir, 'assets', 'style.css'), 'body{}');
  writeFileSync(path.join(root, 'secret.txt'), SECRET);
  symlinkSync(path.join(root, 'secret.txt'), path.join(dir, 'assets', 'link.txt'));
  return dir;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request exactly as given (path unnormalised, any Host), unlike fetch(). */
function request(port: number, options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { Host: `127.0.0.1:${port}`, ...options.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function call(server: RunningServer, method: string, input: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  return request(server.port, { method: 'POST', path: `/api/call/${method}`, headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(input) });
}

const errorCode = (reply: Reply) => (JSON.parse(reply.body) as { error: { code: string } }).error.code;

describe('xlir serve: HTTP', () => {
  let server: RunningServer;
  let service: AppService;
  beforeAll(async () => {
    service = createAppService({ homeDir: tmp('home'), warn: () => {} });
    server = await startServer({ service, staticDir: staticFixture() });
  });
  afterAll(async () => {
    await service.close();
    await server.close();
  });

  it('prints a URL on 127.0.0.1 with a fresh base64url token of 32 bytes in the fragment', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
    const other = await startServer({ service, staticDir: tmp('empty') });
    expect(other.token).not.toBe(server.token);
    await other.close();
  });

  it('serves the renderer with its CSP and content types, and nothing that is not a file of it', async () => {
    const index = await request(server.port, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>XLIR</title>');
    expect(index.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': APP_CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(APP_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    const js = await request(server.port, { path: '/assets/app.js?v=1' });
    expect([js.status, js.headers['content-type'], js.body]).toEqual([200, 'text/javascript; charset=utf-8', 'console.log("xlir");']);
    expect((await request(server.port, { path: '/assets/style.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await request(server.port, { path: '/assets' })).status).toBe(404);
    expect((await request(server.port, { path: '/assets/' })).status).toBe(404);
    expect((await request(server.port, { path: '/nope.js' })).status).toBe(404);
    expect((await request(server.port, { path: '/', method: 'POST' })).status).toBe(405);
  });

  it('never serves a file outside the renderer folder, however the path is spelled', async () => {
    const attempts = ['/../secret.txt', '/%2e%2e/secret.txt', '/%2E%2E/secret.txt', '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/assets/../../secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/..%5csecret.txt', '/assets/link.txt', '/secret.txt%00.js', '/%', '//../secret.txt'];
    for (const attempt of attempts) {
      const reply = await request(server.port, { path: attempt });
      expect({ attempt, status: reply.status }).toEqual({ attempt, status: 404 });
      expect(reply.body).not.toContain(SECRET);
    }
  });

  it('refuses a foreign Host (DNS rebinding) and a foreign Origin, for pages and calls alike', async () => {
    const { port } = server;
    expect((await request(port, { path: '/', headers: { Host: `evil.example:${port}` } })).status).toBe(403);
    expect((await request(port, { path: '/', headers: { Host: '127.0.0.1:1' } })).status).toBe(403);
    expect((await request(port, { path: '/', headers: { Host: `localhost:${port}` } })).status).toBe(200);
    const rebound = await call(server, 'listRuns', {}, { Host: `evil.example:${port}` });
    expect([rebound.status, errorCode(rebound)]).toEqual([403, 'FORBIDDEN_HOST']);
    const crossSite = await call(server, 'listRuns', {}, { Origin: 'http://evil.example' });
    expect([crossSite.status, errorCode(crossSite)]).toEqual([403, 'FORBIDDEN_ORIGIN']);
    expect((await call(server, 'listRuns', {}, { Origin: 'null' })).status).toBe(403);
    expect((await call(server, 'listRuns', {}, { Origin: `http://localhost:${port}` })).status).toBe(200);
  });

  it('answers calls only with the token', async () => {
    const none = await request(server.port, { method: 'POST', path: '/api/call/listRuns', body: '{}' });
    expect([none.status, errorCode(none), none.headers['www-authenticate']]).toEqual([401, 'UNAUTHORIZED', 'Bearer']);
    expect((await call(server, 'listRuns', {}, { Authorization: `Bearer ${server.token.slice(1)}x` })).status).toBe(401);
    expect((await call(server, 'listRuns', {}, { Authorization: server.token })).status).toBe(401);
    expect((await request(server.port, { path: '/api/events' })).status).toBe(401);
    const ok = await call(server, 'listRuns', {});
    expect([ok.status, ok.headers['content-type'], ok.headers['cache-control'], JSON.parse(ok.body)]).toEqual([200, 'application/json; charset=utf-8', 'no-store', []]);
    expect(JSON.parse((await call(server, 'activeRun', {})).body)).toBeNull();
  });

  it('maps bad requests to 400, 404, 405 and 413 with an error body', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    const notJson = await request(server.port, { method: 'POST', path: '/api/call/listRuns', headers: auth, body: '{"limit": ' });
    expect([notJson.status, errorCode(notJson)]).toEqual([400, 'INVALID_JSON']);
    const invalid = await call(server, 'listRuns', { limit: -1 });
    expect([invalid.status, errorCode(invalid)]).toEqual([400, 'INVALID_INPUT']);
    expect(JSON.parse(invalid.body).error.message).toMatch(/limit/);
    const unknown = await call(server, 'shutdown', {});
    expect([unknown.status, errorCode(unknown)]).toEqual([404, 'UNKNOWN_METHOD']);
    expect((await request(server.port, { path: '/api/call/listRuns', headers: auth })).status).toBe(405);
    expect((await request(server.port, { path: '/api/other', headers: auth })).status).toBe(404);
    const empty = await request(server.port, { method: 'POST', path: '/api/call/listRuns', headers: auth });
    expect(JSON.parse(empty.body)).toEqual([]);
    const huge = await call(server, 'listRuns', { model: 'x'.repeat(2 ** 20) });
    expect([huge.status, errorCode(huge)]).toEqual([413, 'BODY_TOO_LARGE']);
    // importReport takes large bodies: this one gets through to the report's own validation.
    const report = await call(server, 'importReport', { fileName: 'big.json', text: `${' '.repeat(2 ** 21)}{}` });
    expect([report.status, errorCode(report)]).toEqual([400, 'REPORT_INVALID']);
  });

  it('says to build the UI where the renderer is missing', async () => {
    const bare = await startServer({ service, staticDir: tmp('unbuilt') });
    expect(bare.staticReady).toBe(false);
    const page = await request(bare.port, { path: '/' });
    expect(page.status).toBe(503);
    expect(page.body).toContain('npm run build');
    expect((await call(bare, 'listRuns', {})).status).toBe(200);
    await bare.close();
  });
});

/** Reads server-sent events from a fetch() stream, as the renderer does. */
async function* sseData(res: Response): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      yield buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
    }
  }
}

describe('xlir serve: event stream', () => {
  /** A server over an app whose events the test sends itself. */
  async function serverWithFakeEvents(pingIntervalMs?: number) {
    const listeners = new Set<(e: AppEvent) => void>();
    const fake: AppService = {
      call: async () => null,
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      close: async () => {},
    };
    const server = await startServer({ service: fake, staticDir: tmp('unbuilt'), ...(pingIntervalMs !== undefined && { pingIntervalMs }) });
    return { server, listeners, send: (e: AppEvent) => listeners.forEach((l) => l(e)) };
  }

  it('delivers a run started over HTTP from run-started to run-finished', async () => {
    const service = createAppService({ homeDir: tmp('home'), warn: () => {} });
    const server = await startServer({ service, staticDir: tmp('unbuilt') });
    const base = `http://127.0.0.1:${server.port}`;
    const stream = await fetch(`${base}/api/events`, { headers: { Authorization: `Bearer ${server.token}` } });
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const config = quickConfig([tinyEncoderDir], { roofline: false, lexicalFloor: false, quality: false });
    const started = await fetch(`${base}/api/call/startRun`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` }, body: JSON.stringify({ config }) });
    const { runId } = (await started.json()) as { runId: string };

    const events: AppEvent[] = [];
    for await (const block of sseData(stream)) {
      if (block.startsWith(':')) continue;
      expect(block.startsWith('data: ')).toBe(true);
      events.push(JSON.parse(block.slice('data: '.length)) as AppEvent);
      if (events.at(-1)!.type === 'run-finished' || events.at(-1)!.type === 'run-failed') break;
    }
    expect(events[0]).toMatchObject({ type: 'run-started', runId });
    expect(events.at(-1)).toEqual({ type: 'run-finished', runId, status: 'completed' });
    expect(events.some((e) => e.type === 'run-event' && e.event.type === 'latency' && e.event.phase === 'measure')).toBe(true);
    expect(events.every((e) => 'runId' in e && e.runId === runId)).toBe(true);
    const listed = await fetch(`${base}/api/call/listRuns`, { method: 'POST', headers: { Authorization: `Bearer ${server.token}` } });
    expect(((await listed.json()) as { id: string; state: string }[]).map((r) => [r.id, r.state])).toEqual([[runId, 'completed']]);
    await service.close();
    await server.close();
  });

  it('pings, unsubscribes a client that goes away, and ends the streams on close', async () => {
    const { server, listeners } = await serverWithFakeEvents(20);
    const url = `http://127.0.0.1:${server.port}/api/events`;
    const headers = { Authorization: `Bearer ${server.token}` };

    const leaving = new AbortController();
    const first = await fetch(url, { headers, signal: leaving.signal });
    const blocks = sseData(first);
    expect((await blocks.next()).value).toBe(': connected');
    expect((await blocks.next()).value).toBe(': ping');
    expect(listeners.size).toBe(1);
    leaving.abort();
    await expect.poll(() => listeners.size).toBe(0);

    const staying = await fetch(url, { headers });
    const rest = sseData(staying);
    await rest.next();
    for (const l of listeners) l({ type: 'run-failed', runId: 'r1', message: 'line one\nline two' });
    let block = (await rest.next()).value;
    while (block === ': ping') block = (await rest.next()).value;
    expect(JSON.parse(block!.slice('data: '.length))).toEqual({ type: 'run-failed', runId: 'r1', message: 'line one\nline two' });

    await server.close();
    // The stream ends rather than hanging: the server closed it.
    for (;;) if ((await rest.next()).done) break;
    expect(listeners.size).toBe(0);
  });

  it(`bounds the streams one token may hold open (${MAX_EVENT_STREAMS}), with a message; a closed one frees its place`, async () => {
    const { server, listeners } = await serverWithFakeEvents();
    const url = `http://127.0.0.1:${server.port}/api/events`;
    const headers = { Authorization: `Bearer ${server.token}` };
    const open = await Promise.all(Array.from({ length: MAX_EVENT_STREAMS }, () => new AbortController()).map(async (ctl) => ({ ctl, res: await fetch(url, { headers, signal: ctl.signal }) })));
    expect(open.map((o) => o.res.status)).toEqual(Array(MAX_EVENT_STREAMS).fill(200));
    const refused = await fetch(url, { headers });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'TOO_MANY_STREAMS', message: expect.stringMatching(new RegExp(`${MAX_EVENT_STREAMS} event streams`)) });
    expect(listeners.size).toBe(MAX_EVENT_STREAMS);
    open[0].ctl.abort();
    await expect.poll(() => listeners.size).toBe(MAX_EVENT_STREAMS - 1);
    const again = await fetch(url, { headers });
    expect(again.status).toBe(200);
    await server.close();
  });

  it('drops a stream whose client stops reading once its backlog passes the bound, and keeps the others', async () => {
    const { server, listeners, send } = await serverWithFakeEvents();
    const stalled = await new Promise<http.ClientRequest>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/api/events', headers: { Host: `127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` } }, (res) => {
        res.pause(); // never reads: the server's writes pile up
        resolve(req);
      });
      req.on('error', () => {});
      req.once('error', reject);
      req.end();
    });
    const reading = await fetch(`http://127.0.0.1:${server.port}/api/events`, { headers: { Authorization: `Bearer ${server.token}` } });
    const blocks = sseData(reading);
    await blocks.next();
    await expect.poll(() => listeners.size).toBe(2);
    // 64 MiB of events in 256 kB pieces: far beyond the bound plus what the kernel's socket buffers hold.
    const message = 'x'.repeat(256 * 1024);
    let received = 0;
    for (let i = 0; i < 256; i++) {
      send({ type: 'run-failed', runId: `r${i}`, message });
      const block = (await blocks.next()).value!;
      expect(block.startsWith('data: ')).toBe(true);
      received += 1;
    }
    // Dropped by the server (its listener gone) while the reading client got every event.
    await expect.poll(() => listeners.size, { timeout: 10_000 }).toBe(1);
    expect(received).toBe(256);
    stalled.destroy();
    await server.close();
  });
});
