import { timingSafeEqual } from 'node:crypto';

/**
 * The checks every request passes before anything else. The server listens on 127.0.0.1 only, but
 * a web page the user visits can still make the browser send requests there: a Host other than
 * ours means a DNS-rebinding page, an Origin other than ours a cross-site request. The token (in
 * the URL the user opened, sent as a bearer header) keeps out other local users and processes.
 */
export function hostAllowed(host: string | undefined, port: number): boolean {
  const h = host?.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}`;
}

/** A request without Origin (a same-origin GET, curl) passes; one with a foreign origin does not. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  const o = origin.toLowerCase();
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
}

/** `Authorization: Bearer TOKEN`, compared in constant time. */
export function bearerTokenValid(authorization: string | undefined, token: string): boolean {
  const given = /^Bearer ([A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
