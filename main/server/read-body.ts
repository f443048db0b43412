import type { IncomingMessage } from 'node:http';
import { XlirError } from '../engine/errors.ts';

/** A request body as UTF-8 text, refused as soon as it is known to pass `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes: number): Promise<string> {
  const tooLarge = () => new XlirError('BODY_TOO_LARGE', `The request body is over ${Math.round(limitBytes / 2 ** 20)} MiB, the most this call takes.`);
  if (Number(req.headers['content-length'] ?? 0) > limitBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new XlirError('INVALID_JSON', 'The request body is not UTF-8 text.');
  }
}

/** The body as JSON; an empty body is no input (`undefined`). */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const text = await readBody(req, limitBytes);
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new XlirError('INVALID_JSON', `The request body is not JSON: ${(err as Error).message}.`);
  }
}
