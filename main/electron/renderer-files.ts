import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { RENDERER_SECURITY_HEADERS } from '../contract/content-security-policy.ts';
import { isAppUrl } from './app-origin.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Where an `app://xlir/…` URL points inside `rootDir`, or null when it would leave it. */
export function rendererFilePath(url: string, rootDir: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  if (pathname.includes('\0')) return null;
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
  const inside = path.relative(root, file);
  // `..` after decoding (%2e%2e, %2f, a backslash on Windows) ends up outside root: refused.
  return inside !== '' && !inside.startsWith('..') && !path.isAbsolute(inside) ? file : null;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/**
 * The `app://` protocol handler: serves the built renderer (dist/renderer) and nothing else,
 * read-only, with the same CSP and headers as `xlir serve`.
 */
export async function serveRendererFile(request: { method: string; url: string }, rootDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'Only GET and HEAD are served here.');
  const file = rendererFilePath(request.url, rootDir);
  if (file === null) return textResponse(404, 'Not found.');
  let body: Buffer;
  try {
    body = await readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EISDIR' && code !== 'ENOTDIR') throw err;
    if (path.basename(file) === 'index.html' && path.dirname(file) === path.resolve(rootDir)) {
      return textResponse(503, `The XLIR Bench window is not built (${path.join(rootDir, 'index.html')} is missing): run \`npm run build\` first.`);
    }
    return textResponse(404, 'Not found.');
  }
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...RENDERER_SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-cache' },
  });
}
