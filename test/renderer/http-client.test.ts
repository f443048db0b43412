import { describe, expect, it } from 'vitest';
import type { AppEvent } from '../../main/contract/app-api.ts';
import type { StreamStatus } from '../../renderer/src/api/api-connection.ts';
import { ApiCallError, describeError } from '../../renderer/src/api/api-call-error.ts';
import { createHttpApi } from '../../renderer/src/api/http-client.ts';

const origin = 'http://127.0.0.1:4000';
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** An event stream that sends `chunks` and then ends (as a server that went away). */
function eventStream(chunks: string[]): Response {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
        controller.close();
      },
    }),
    { headers: { 'Content-Type': 'text/event-stream' } },
  );
}

describe('the HTTP client', () => {
  it('posts each call with the token, and returns the JSON answer', async () => {
    const requests: { url: string; init: RequestInit }[] = [];
    const { api } = createHttpApi({
      origin,
      token: 'secret',
      fetch: async (url, init) => {
        requests.push({ url: String(url), init: init! });
        return json(200, { deleted: 'abcd1234' });
      },
    });
    await expect(api.deleteRun({ ref: 'abcd1234' })).resolves.toEqual({ deleted: 'abcd1234' });
    expect(requests).toHaveLength(1);
    expect(requests[0].url).toBe(`${origin}/api/call/deleteRun`);
    expect(requests[0].init.method).toBe('POST');
    expect(requests[0].init.headers).toMatchObject({ Authorization: 'Bearer secret', 'Content-Type': 'application/json' });
    expect(JSON.parse(String(requests[0].init.body))).toEqual({ ref: 'abcd1234' });
  });

  it("turns the server's error body, a refused token and an unreachable server into coded errors", async () => {
    const answers = [json(404, { error: { code: 'RUN_NOT_FOUND', message: 'No run abcd1234.' } }), new Response('', { status: 401 }), new Response('oops', { status: 502, statusText: 'Bad Gateway' })];
    const { api } = createHttpApi({
      origin,
      token: 't',
      fetch: async () => {
        const next = answers.shift();
        if (!next) throw new TypeError('fetch failed');
        return next;
      },
    });
    await expect(api.getRun({ ref: 'abcd1234' })).rejects.toMatchObject({ code: 'RUN_NOT_FOUND', message: 'No run abcd1234.', status: 404 });
    await expect(api.listRuns({})).rejects.toMatchObject({ code: 'UNAUTHORIZED', status: 401 });
    await expect(api.listRuns({})).rejects.toMatchObject({ code: 'HTTP_502', message: 'The server answered 502 Bad Gateway: oops' });
    const unreachable = await api.listRuns({}).catch((err: unknown) => err);
    expect(unreachable).toBeInstanceOf(ApiCallError);
    expect(describeError(unreachable)).toMatchObject({ code: 'UNREACHABLE', message: expect.stringContaining('xlir serve') });
  });

  it('reads events from the stream, reopens it when it ends, and says events may have been missed', async () => {
    const streams = [eventStream([': connected\n\n', 'data: {"type":"run-finished","runId":"r1","sta', 'tus":"completed"}\n\n']), eventStream([': connected\n\n', 'data: {"type":"run-failed","runId":"r2","message":"x"}\n\n'])];
    let opened = 0;
    const connection = createHttpApi({
      origin,
      token: 't',
      fetch: async (url, init) => {
        expect(String(url)).toBe(`${origin}/api/events`);
        expect(init?.headers).toMatchObject({ Authorization: 'Bearer t' });
        opened++;
        // After the two streams, the server is gone: the client keeps retrying.
        return streams.shift() ?? Promise.reject(new TypeError('connection refused'));
      },
    });
    const statuses: StreamStatus[] = [];
    connection.onStreamStatus((s) => statuses.push(s));
    const events: AppEvent[] = [];
    const stop = connection.api.onEvent((e) => events.push(e));
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(2);
    await expect.poll(() => statuses.some((s) => s.state === 'retrying' && s.error?.includes('did not answer')), { timeout: 5000 }).toBe(true);
    stop();
    expect(events).toEqual([
      { type: 'run-finished', runId: 'r1', status: 'completed' },
      { type: 'run-failed', runId: 'r2', message: 'x' },
    ]);
    const opens = statuses.filter((s) => s.state === 'open');
    expect(opens.map((s) => s.reconnected)).toEqual([false, true]);
    expect(opened).toBeGreaterThanOrEqual(3);
  });
});
